import { ID_ACTE_REGEX } from '../archive/archive.naming.js';
import { NOM_FICHIER_CLASSIFICATION_REGEX } from '../exchange/exchange.naming.js';
import { attribute, children } from '../import/archive-xml.nodes.js';
import { ActesXmlError, isXmlElement, parseActesXml } from '../xml/actes-xml.read.js';
import { PrefectureMessageError, PrefectureMessageErrorCode } from './prefecture.errors.js';
import { PREFECTURE_MESSAGE_ROOTS, type PrefectureFile, type PrefectureMessageCode } from './prefecture.types.js';
import { required } from './prefecture.values.js';

const ID_ACTE = ID_ACTE_REGEX.source.slice(1, -1);
/** A business file of the ministry about an acte: `IDActe-T-S_n.xml`; group 1 is the IDActe. */
export const ACTE_MESSAGE_FILE = new RegExp(`^(${ID_ACTE})-[1-7]-[1-5]_[0-9]+\\.xml$`);
/** An envelope of the ministry, or an envelope anomaly, named after the envelope it answers. */
const ENVELOPE_FILE = /^(?:ANO_)?EACT--.*\.xml$/;
const XML_FILE = /\.xml$/i;

const CODE_OF_ROOT: ReadonlyMap<string, PrefectureMessageCode> = new Map(
  Object.entries(PREFECTURE_MESSAGE_ROOTS).map(([code, root]) => [root, code as PrefectureMessageCode]),
);

/** A parsed element: children by local name, attributes as `@_Name`. */
export type XmlElement = Record<string, unknown>;

/** An XML file of the mail, read or not. */
type XmlFile =
  | { readonly file: PrefectureFile; readonly root: string; readonly node: XmlElement }
  | { readonly file: PrefectureFile; readonly error: PrefectureMessageError };

/** The business message found among the files, and what is needed to read it. */
export interface LocatedMessage {
  readonly name: string;
  readonly content: Uint8Array;
  readonly code: PrefectureMessageCode;
  /** The root element. */
  readonly node: XmlElement;
  /** Every file of the mail, where the documents the message names are looked up. */
  readonly files: readonly PrefectureFile[];
  /** `Destinataire@insee:SIREN` of the envelope, when there is one. */
  readonly envelopeSiren: string | undefined;
}

/**
 * Finds the business message among the files: the one XML file whose root is a préfecture message
 * (file names are not trusted for that: an anomaly's is `ANO_EACT--…`, like an envelope's), and the
 * `EnveloppeMISILLCL`, if any. An XML file that cannot be read is a document, unless it is named like an
 * envelope or no message is found.
 * @throws PrefectureMessageError `ACTES.REPLY_UNREADABLE`, `ACTES.REPLY_UNKNOWN_MESSAGE`, `ACTES.REPLY_INVALID`
 */
export function locateMessage(files: readonly PrefectureFile[]): LocatedMessage {
  const xml: XmlFile[] = files.filter((file) => XML_FILE.test(file.name)).map(readXml);
  const brokenEnvelope = xml.find((entry) => 'error' in entry && ENVELOPE_FILE.test(entry.file.name));
  if (brokenEnvelope !== undefined && 'error' in brokenEnvelope) throw brokenEnvelope.error;
  const envelopes = xml.flatMap((entry) => ('root' in entry && entry.root === 'EnveloppeMISILLCL' ? [entry] : []));
  const messages = xml.flatMap((entry) => {
    const code = 'root' in entry ? CODE_OF_ROOT.get(entry.root) : undefined;
    return code === undefined || !('node' in entry) ? [] : [{ ...entry, code }];
  });
  if (envelopes.length > 1) {
    throw new PrefectureMessageError(PrefectureMessageErrorCode.Unreadable, undefined, `expected one envelope, found ${envelopes.length}`);
  }
  const [message, ...others] = messages;
  if (others.length > 0) {
    throw new PrefectureMessageError(
      PrefectureMessageErrorCode.Unreadable,
      undefined,
      `expected one business message, found ${messages.length}: ${messages.map((entry) => entry.file.name).join(', ')}`,
    );
  }
  const [envelope] = envelopes;
  if (message === undefined) throw noMessage(xml.filter((entry) => entry !== envelope));
  const destinataire = children(envelope?.node, 'Destinataire')[0];
  return {
    name: message.file.name,
    content: message.file.content,
    code: message.code,
    node: message.node,
    files,
    envelopeSiren: envelope === undefined ? undefined : required(envelope.file.name, 'Destinataire@SIREN', attribute(destinataire, 'SIREN')),
  };
}

/**
 * Why no message was found, blaming the file that should have been it: one named like a business
 * message, else the only XML file besides the envelope.
 */
function noMessage(candidates: readonly XmlFile[]): PrefectureMessageError {
  const named = candidates.filter(
    (entry) =>
      ACTE_MESSAGE_FILE.test(entry.file.name) || NOM_FICHIER_CLASSIFICATION_REGEX.test(entry.file.name) || ENVELOPE_FILE.test(entry.file.name),
  );
  const [suspect] = named.length > 0 ? named : candidates.length === 1 ? candidates : [];
  if (suspect === undefined) {
    return new PrefectureMessageError(PrefectureMessageErrorCode.Unreadable, undefined, 'no @ctes message of the préfecture among the files');
  }
  if ('error' in suspect) return suspect.error;
  return new PrefectureMessageError(
    PrefectureMessageErrorCode.UnknownMessage,
    suspect.file.name,
    `${suspect.root} is not a message the préfecture sends`,
  );
}

function readXml(file: PrefectureFile): XmlFile {
  try {
    const parsed = parseActesXml(file.content);
    const roots = Object.keys(parsed).filter((key) => key !== '?xml');
    const [root] = roots;
    const node = root === undefined ? undefined : parsed[root];
    if (root === undefined || roots.length !== 1) {
      return { file, error: new PrefectureMessageError(PrefectureMessageErrorCode.Unreadable, file.name, 'expected one root element') };
    }
    return { file, root, node: isXmlElement(node) ? node : {} };
  } catch (error) {
    if (!(error instanceof ActesXmlError)) throw error;
    return { file, error: new PrefectureMessageError(PrefectureMessageErrorCode.Unreadable, file.name, error.message, { cause: error }) };
  }
}
