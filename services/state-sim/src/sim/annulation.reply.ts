import { ACTES_NAMESPACE, INSEE_NAMESPACE, LATIN1_XML_DECLARATION } from '@relais/actes';
import type { AnnulationDelivery } from './annulation.read.js';
import type { ReplyFile } from './reply.xml.js';

/** What the ministry answers to an accepted 6-1: the envelope, then the 6-2 `ARAnnulation`. */
export interface AnnulationReply {
  readonly kind: 'ARAnnulation';
  readonly files: readonly [envelope: ReplyFile, message: ReplyFile];
}

function document(lines: readonly string[]): Buffer {
  return Buffer.from([LATIN1_XML_DECLARATION, ...lines, ''].join('\n'), 'latin1');
}

/** The 6-2 `ARAnnulation`: the cancelled acte's IDActe and the day the 6-1 was received. */
export function arAnnulationXml(idActe: string, dateReception: string): Buffer {
  return document([`<actes:ARAnnulation xmlns:actes="${ACTES_NAMESPACE}" actes:IDActe="${idActe}" actes:DateReception="${dateReception}"/>`]);
}

/**
 * The reply to an accepted 6-1: an `EnveloppeMISILLCL` from the préfecture of the department (named
 * `EACT--PREFddd-SIREN-YYYYMMDD-N.xml` like the 1-2's) and the 6-2 `IDActe-6-2_0.xml`.
 */
export function buildAnnulationReply(delivery: AnnulationDelivery, date: string, sequence: number): AnnulationReply {
  const messageName = `${delivery.idActe}-6-2_0.xml`;
  const envelope = document([
    `<actes:EnveloppeMISILLCL xmlns:actes="${ACTES_NAMESPACE}" xmlns:insee="${INSEE_NAMESPACE}">`,
    '  <actes:Emetteur>',
    `    <actes:IDPref actes:Departement="${delivery.departement}"/>`,
    '  </actes:Emetteur>',
    '  <actes:FormulairesEnvoyes>',
    `    <actes:Formulaire><actes:NomFichier>${messageName}</actes:NomFichier></actes:Formulaire>`,
    '  </actes:FormulairesEnvoyes>',
    `  <actes:Destinataire insee:SIREN="${delivery.siren}"/>`,
    '</actes:EnveloppeMISILLCL>',
  ]);
  return {
    kind: 'ARAnnulation',
    files: [
      { name: `EACT--PREF${delivery.departement}-${delivery.siren}-${date.replaceAll('-', '')}-${sequence}.xml`, content: envelope },
      { name: messageName, content: arAnnulationXml(delivery.idActe, date) },
    ],
  };
}
