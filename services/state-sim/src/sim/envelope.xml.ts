import { ACTES_NAMESPACE, INSEE_NAMESPACE } from '@relais/actes';

import { fichierXml, latin1Document } from './xml.write.js';

/** A file of a message the ministry sends. */
export interface ReplyFile {
  readonly name: string;
  readonly content: Buffer;
}

/** Whom a préfecture message goes to: the collectivité, from the préfecture of its department. */
export interface Recipient {
  readonly departement: string;
  readonly siren: string;
}

/** When a message is sent and under which envelope number. */
export interface EnvelopeContext {
  /** `YYYY-MM-DD`, the day in the envelope's name. */
  readonly date: string;
  /** The préfecture's envelope sequence number (the `N` of the envelope name). */
  readonly sequence: number;
}

/**
 * A message of the ministry as it would mail it: `files` starts with the envelope (or, for an
 * `AnomalieEnveloppe`, the `ANO_` file standing in its place), then the business message, then the
 * documents it names. `kind` is the business message's root element.
 */
export interface MinistryMessage<Kind extends string = string> {
  readonly kind: Kind;
  readonly files: readonly [envelope: ReplyFile, ...rest: ReplyFile[]];
}

/** The ministry → collectivité envelope `EnveloppeMISILLCL`, sent by the préfecture of the department. */
export function enveloppeMisillclXml(recipient: Recipient, formulaires: readonly string[]): Buffer {
  return latin1Document([
    `<actes:EnveloppeMISILLCL xmlns:actes="${ACTES_NAMESPACE}" xmlns:insee="${INSEE_NAMESPACE}">`,
    '  <actes:Emetteur>',
    `    <actes:IDPref actes:Departement="${recipient.departement}"/>`,
    '  </actes:Emetteur>',
    '  <actes:FormulairesEnvoyes>',
    ...formulaires.map((name) => `    ${fichierXml('Formulaire', name)}`),
    '  </actes:FormulairesEnvoyes>',
    `  <actes:Destinataire insee:SIREN="${recipient.siren}"/>`,
    '</actes:EnveloppeMISILLCL>',
  ]);
}

/**
 * The name of a préfecture → collectivité envelope, `EACT--PREFddd-SIREN-YYYYMMDD-N.xml` (DOMAIN.md §1.7,
 * medium confidence: taken from a third-party importer, not from the ministry's specification).
 */
export function nomEnveloppeMisillcl(recipient: Recipient, context: EnvelopeContext): string {
  return `EACT--PREF${recipient.departement}-${recipient.siren}-${context.date.replaceAll('-', '')}-${context.sequence}.xml`;
}

/** A business message with its documents, under an `EnveloppeMISILLCL` that lists the message. */
export function ministryMessage<Kind extends string>(
  kind: Kind,
  recipient: Recipient,
  context: EnvelopeContext,
  message: ReplyFile,
  documents: readonly ReplyFile[] = [],
): MinistryMessage<Kind> {
  const envelope = { name: nomEnveloppeMisillcl(recipient, context), content: enveloppeMisillclXml(recipient, [message.name]) };
  return { kind, files: [envelope, message, ...documents] };
}
