import { type ActeArchiveFile, packArchive } from '../archive/archive.build.js';
import { type CollectiviteEmettrice, enveloppeXml } from '../archive/archive.enveloppe-xml.js';
import { ACTES_NAMESPACE, LATIN1_XML_DECLARATION, encodeLatin1Xml } from '../archive/archive.latin1-xml.js';
import { compactDate, nomArchive, nomEnveloppe } from '../archive/archive.naming.js';
import { DEMANDE_CLASSIFICATION_MESSAGE_CODE, nomFichierDemandeClassification } from './exchange.naming.js';

/**
 * The 7-1 `DemandeClassification` message, ISO-8859-1 bytes valid against `actesv1_1.xsd`. With the
 * date of the classification the collectivité holds, the préfecture may answer 7-3 (unchanged) instead
 * of sending the whole 7-2 again; without it, it always sends a 7-2.
 * @throws ActesArchiveError `ACTES.INVALID_DATE`
 */
export function demandeClassificationXml(dateClassification?: string): Buffer {
  const open = `<actes:DemandeClassification xmlns:actes="${ACTES_NAMESPACE}"`;
  let body: string[];
  if (dateClassification === undefined) body = [`${open}/>`];
  else {
    compactDate(dateClassification, 'dateClassification');
    body = [`${open}>`, `  <actes:DateClassification>${dateClassification}</actes:DateClassification>`, '</actes:DemandeClassification>'];
  }
  return encodeLatin1Xml([LATIN1_XML_DECLARATION, ...body, ''].join('\n'));
}

/** Everything an outbound 7-1 needs: who sends, the classification held, and the envelope's numbering. */
export interface ClassificationRequestArchiveInput {
  /** Operator trigram assigned at homologation; `RLS` when absent. */
  readonly operatorTrigram?: string | undefined;
  /** The collectivité's envelope sequence number for this request. */
  readonly sequence: number;
  /** Day of sending, `YYYY-MM-DD`. */
  readonly dateEnvoi: string;
  /** The emitting collectivité; its department and SIREN name the message. */
  readonly collectivite: CollectiviteEmettrice;
  /** The operator's mailboxes for the ministry's replies; at least one. */
  readonly adressesRetour: readonly string[];
  /** `DateClassification` of the classification the collectivité holds, `YYYY-MM-DD`, if any. */
  readonly dateClassification?: string | undefined;
}

/** A packed outbound 7-1, ready to be stored and POSTed as is. */
export interface ClassificationRequestArchive {
  /** `TRI-EACT--SIREN--YYYYMMDD-N.tar.gz`. */
  readonly name: string;
  /** Always `7-1`. */
  readonly code: typeof DEMANDE_CLASSIFICATION_MESSAGE_CODE;
  /** Name of the business message in the archive, `DPT-SIREN----7-1_1.xml`. */
  readonly messageName: string;
  /** The gzip'd tar. */
  readonly bytes: Buffer;
  /** SHA-256 of `bytes`, lower-case hex. */
  readonly sha256: string;
  /** The files of the tar, in order: envelope, message. */
  readonly files: readonly ActeArchiveFile[];
}

/**
 * Packs a 7-1: the `EnveloppeCLMISILL` listing the message, and the `DemandeClassification`
 * `DPT-SIREN----7-1_1.xml`, in a tar gzip'd in memory. Deterministic like the 1-1 archive.
 * @throws ActesArchiveError on any value the naming rules, the schema or ISO-8859-1 refuse.
 */
export async function buildClassificationRequestArchive(input: ClassificationRequestArchiveInput): Promise<ClassificationRequestArchive> {
  const { collectivite } = input;
  const messageName = nomFichierDemandeClassification(collectivite.departement, collectivite.siren);
  const envelopeParts = { siren: collectivite.siren, dateEnvoi: input.dateEnvoi, sequence: input.sequence };
  const name = nomArchive({ ...envelopeParts, operatorTrigram: input.operatorTrigram });
  const entries = [
    {
      name: nomEnveloppe(envelopeParts),
      content: enveloppeXml({ collectivite, adressesRetour: input.adressesRetour, formulaires: [messageName] }),
    },
    { name: messageName, content: demandeClassificationXml(input.dateClassification) },
  ];
  return { name, code: DEMANDE_CLASSIFICATION_MESSAGE_CODE, messageName, ...(await packArchive(entries, input.dateEnvoi)) };
}
