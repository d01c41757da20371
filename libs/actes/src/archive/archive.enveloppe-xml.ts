import { ActesArchiveError, ActesArchiveErrorCode } from './archive.errors.js';
import {
  ACTES_NAMESPACE,
  INSEE_NAMESPACE,
  LATIN1_XML_DECLARATION,
  encodeLatin1Xml,
  xmlText,
} from './archive.latin1-xml.js';
import { DEPARTEMENT_REGEX, SIREN_REGEX, requireMatch } from './archive.naming.js';

/** An e-mail address as the @ctes schema's `Email` type accepts it. */
export const ACTES_EMAIL_REGEX =
  /^[_a-zA-Z0-9-]+(?:\.[_a-zA-Z0-9-]+)*@[a-zA-Z0-9-]+(?:\.[a-zA-Z0-9-]+)*\.[a-zA-Z]{2,6}$/;

/** The contact of the collectivité, every part optional. */
export interface Referent {
  /** Name of the contact. */
  readonly nom?: string | undefined;
  /** Telephone number, free text. */
  readonly telephone?: string | undefined;
  /** E-mail address. */
  readonly email?: string | undefined;
}

/** The collectivité that emits the envelope (`Emetteur/IDCL`). */
export interface CollectiviteEmettrice {
  /** SIREN, 9 digits. */
  readonly siren: string;
  /** Department code (`034`, `02A`, `974`). */
  readonly departement: string;
  /** Arrondissement (sous-préfecture), one digit. */
  readonly arrondissement: string;
  /** Nature of the collectivité, 2 digits (`31` commune, `21` département…). */
  readonly nature: string;
  /** Optional contact. */
  readonly referent?: Referent | undefined;
}

/** What an `EnveloppeCLMISILL` says. */
export interface EnveloppeInput {
  /** The emitting collectivité. */
  readonly collectivite: CollectiviteEmettrice;
  /** Where the ministry sends its replies (the operator's mailboxes); at least one. */
  readonly adressesRetour: readonly string[];
  /** Names of the business XML messages the archive carries; at least one. */
  readonly formulaires: readonly string[];
}

function email(value: string, field: string): string {
  return xmlText(
    requireMatch(value, ACTES_EMAIL_REGEX, ActesArchiveErrorCode.InvalidEmail, field, "d'adresse e-mail @ctes"),
    field,
  );
}

function referentXml(referent: Referent): string[] {
  const lines = ['    <actes:Referent>'];
  if (referent.nom !== undefined) lines.push(`      <actes:Nom>${xmlText(referent.nom, 'referent.nom')}</actes:Nom>`);
  if (referent.telephone !== undefined) {
    lines.push(`      <actes:Telephone>${xmlText(referent.telephone, 'referent.telephone')}</actes:Telephone>`);
  }
  if (referent.email !== undefined) lines.push(`      <actes:Email>${email(referent.email, 'referent.email')}</actes:Email>`);
  lines.push('    </actes:Referent>');
  return lines;
}

/**
 * The collectivité → ministry envelope `EnveloppeCLMISILL`, ISO-8859-1 bytes valid against
 * `actesv1_1.xsd`.
 * @throws ActesArchiveError on an identifier, an e-mail or a character the schema or Latin-1 refuses.
 */
export function enveloppeXml(input: EnveloppeInput): Buffer {
  const { collectivite } = input;
  const siren = requireMatch(collectivite.siren, SIREN_REGEX, ActesArchiveErrorCode.InvalidSiren, 'collectivite.siren', '9 chiffres');
  const departement = requireMatch(
    collectivite.departement,
    DEPARTEMENT_REGEX,
    ActesArchiveErrorCode.InvalidDepartement,
    'collectivite.departement',
    '0[0-9][0-9AB] ou 9[0-9][0-9]',
  );
  const arrondissement = requireMatch(
    collectivite.arrondissement,
    /^[0-9]$/,
    ActesArchiveErrorCode.InvalidArrondissement,
    'collectivite.arrondissement',
    '1 chiffre',
  );
  const nature = requireMatch(
    collectivite.nature,
    /^[0-9]{2}$/,
    ActesArchiveErrorCode.InvalidNatureCollectivite,
    'collectivite.nature',
    '2 chiffres',
  );
  if (input.adressesRetour.length === 0) {
    throw new ActesArchiveError(
      ActesArchiveErrorCode.MissingAdresseRetour,
      'adressesRetour',
      'adressesRetour: au moins une adresse est nécessaire pour recevoir les réponses du ministère.',
    );
  }
  if (input.formulaires.length === 0) {
    throw new ActesArchiveError(
      ActesArchiveErrorCode.MissingFormulaire,
      'formulaires',
      "formulaires: l'enveloppe doit nommer au moins un message XML.",
    );
  }
  const lines = [
    LATIN1_XML_DECLARATION,
    `<actes:EnveloppeCLMISILL xmlns:actes="${ACTES_NAMESPACE}" xmlns:insee="${INSEE_NAMESPACE}">`,
    '  <actes:Emetteur>',
    `    <actes:IDCL insee:SIREN="${siren}" actes:Departement="${departement}" actes:Arrondissement="${arrondissement}" actes:Nature="${nature}"/>`,
    ...(collectivite.referent === undefined ? [] : referentXml(collectivite.referent)),
    '  </actes:Emetteur>',
    '  <actes:AdressesRetour>',
    ...input.adressesRetour.map((address, i) => `    <actes:Email>${email(address, `adressesRetour[${i}]`)}</actes:Email>`),
    '  </actes:AdressesRetour>',
    '  <actes:FormulairesEnvoyes>',
    ...input.formulaires.map(
      (name, i) =>
        `    <actes:Formulaire><actes:NomFichier>${xmlText(name, `formulaires[${i}]`)}</actes:NomFichier></actes:Formulaire>`,
    ),
    '  </actes:FormulairesEnvoyes>',
    '</actes:EnveloppeCLMISILL>',
    '',
  ];
  return encodeLatin1Xml(lines.join('\n'));
}
