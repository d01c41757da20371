import { PES_RETOUR_NAMESPACE } from '@relais/pes';
import { latin1Document, latin1XmlEscape } from './xml.write.js';

/** What a PES_Retour the DGFiP sends on a call says. */
export interface PesRetourInput {
  /** `Enveloppe/Parametres/NomFic`, also the name of the file. */
  readonly nomFic: string;
  /** The day of the prise en charge, `YYYY-MM-DD` (also `DteStr`). */
  readonly day: string;
  /** `IdColl`: the SIRET S²LOW routes a PES_Retour by. */
  readonly siret: string;
  readonly idPost: string;
  readonly codCol: string;
  /** What the comptable says of it. */
  readonly text: string;
}

/**
 * A PES_Retour (DOMAIN.md §2.4: DGFiP → ordonnateur information on mandats and titres) telling of a
 * prise en charge: root `n:PES_Retour` in `…/Rev0/retour`, `Enveloppe/Parametres` (Version, TypFic
 * `PESRETOUR`, NomFic), `EnTetePES` (DteStr, IdPost, IdColl, CodCol), then a small body. ISO-8859-1.
 */
export function buildPesRetour(input: PesRetourInput): Buffer {
  const value = (text: string): string => latin1XmlEscape(text);
  return latin1Document([
    `<n:PES_Retour xmlns:n="${PES_RETOUR_NAMESPACE}">`,
    '    <Enveloppe>',
    '        <Parametres>',
    '            <Version V="2"/>',
    '            <TypFic V="PESRETOUR"/>',
    `            <NomFic V="${value(input.nomFic)}"/>`,
    '        </Parametres>',
    '    </Enveloppe>',
    '    <EnTetePES>',
    `        <DteStr V="${input.day}"/>`,
    `        <IdPost V="${value(input.idPost)}"/>`,
    `        <IdColl V="${input.siret}"/>`,
    `        <CodCol V="${value(input.codCol)}"/>`,
    '    </EnTetePES>',
    '    <!-- The exact shape of a PES_Retour body (PES_V2_DepenseRetour_Autonome.xsd) is not in our sources:',
    '         this prise en charge is a plausible stand-in, not the schema of the DGFiP. -->',
    '    <PES_DepenseRetour>',
    '        <PriseEnCharge>',
    `            <DtePec V="${input.day}"/>`,
    `            <Libelle V="${value(input.text)}"/>`,
    '        </PriseEnCharge>',
    '    </PES_DepenseRetour>',
    '</n:PES_Retour>',
  ]);
}
