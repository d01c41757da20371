import { packArchive } from './archive.build.js';
import { type CollectiviteEmettrice, enveloppeXml } from './archive.enveloppe-xml.js';
import { ActesArchiveErrorCode } from './archive.errors.js';
import { ACTES_NAMESPACE, LATIN1_XML_DECLARATION, encodeLatin1Xml } from './archive.latin1-xml.js';
import { ID_ACTE_REGEX, nomArchive, nomEnveloppe, requireMatch } from './archive.naming.js';

/** The @ctes code of an Annulation message. */
export const ANNULATION_MESSAGE_CODE = '6-1';

/**
 * The conventional name of the 6-1 message of an acte: the acte's IDActe as base, then `-6-1_0.xml`
 * (DOMAIN.md §1.7: the annulation reuses the acte's base).
 * @throws ActesArchiveError `ACTES.INVALID_ID_ACTE`
 */
export function nomFichierAnnulation(idActeValue: string): string {
  requireMatch(idActeValue, ID_ACTE_REGEX, ActesArchiveErrorCode.InvalidIdActe, 'idActe', 'DPT-SIREN-YYYYMMDD-NUMERO-NAT');
  return `${idActeValue}-6-1_0.xml`;
}

/**
 * The 6-1 `Annulation` message, ISO-8859-1 bytes valid against `actesv1_1.xsd`: it names the acte by the
 * IDActe of its AR, and nothing else.
 * @throws ActesArchiveError `ACTES.INVALID_ID_ACTE`
 */
export function annulationXml(idActeValue: string): Buffer {
  const id = requireMatch(idActeValue, ID_ACTE_REGEX, ActesArchiveErrorCode.InvalidIdActe, 'idActe', 'DPT-SIREN-YYYYMMDD-NUMERO-NAT');
  return encodeLatin1Xml(
    [LATIN1_XML_DECLARATION, `<actes:Annulation xmlns:actes="${ACTES_NAMESPACE}" actes:IDActe="${id}"/>`, ''].join('\n'),
  );
}

/** Everything an outbound 6-1 needs: who sends, which acte, and the envelope's own numbering. */
export interface AnnulationArchiveInput {
  /** Operator trigram assigned at homologation; `RLS` when absent. */
  readonly operatorTrigram?: string | undefined;
  /** The collectivité's envelope sequence number for this 6-1 (not the one of the acte's 1-1). */
  readonly sequence: number;
  /** Day of sending, `YYYY-MM-DD`. */
  readonly dateEnvoi: string;
  /** The emitting collectivité. */
  readonly collectivite: CollectiviteEmettrice;
  /** The operator's mailboxes for the ministry's replies; at least one. */
  readonly adressesRetour: readonly string[];
  /** The IDActe the préfecture gave the acte in its 1-2. */
  readonly idActe: string;
}

/** A packed outbound 6-1, ready to be stored and POSTed as is. */
export interface AnnulationArchive {
  /** `TRI-EACT--SIREN--YYYYMMDD-N.tar.gz`. */
  readonly name: string;
  /** The IDActe being cancelled. */
  readonly idActe: string;
  /** The gzip'd tar. */
  readonly bytes: Buffer;
  /** SHA-256 of `bytes`, lower-case hex. */
  readonly sha256: string;
  /** The files of the tar, in order: envelope, message. */
  readonly files: readonly { readonly name: string; readonly size: number }[];
}

/**
 * Packs a 6-1: the `EnveloppeCLMISILL` listing the message, and the `Annulation` message, in a tar
 * gzip'd in memory. Deterministic like the 1-1 archive: the same input gives the same bytes.
 * @throws ActesArchiveError on any value the naming rules, the schema or ISO-8859-1 refuse.
 */
export async function buildAnnulationArchive(input: AnnulationArchiveInput): Promise<AnnulationArchive> {
  const envelopeParts = { siren: input.collectivite.siren, dateEnvoi: input.dateEnvoi, sequence: input.sequence };
  const name = nomArchive({ ...envelopeParts, operatorTrigram: input.operatorTrigram });
  const messageName = nomFichierAnnulation(input.idActe);
  const entries = [
    {
      name: nomEnveloppe(envelopeParts),
      content: enveloppeXml({ collectivite: input.collectivite, adressesRetour: input.adressesRetour, formulaires: [messageName] }),
    },
    { name: messageName, content: annulationXml(input.idActe) },
  ];
  return { name, idActe: input.idActe, ...(await packArchive(entries, input.dateEnvoi)) };
}
