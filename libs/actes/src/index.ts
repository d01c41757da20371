/**
 * @ctes for the outbound transmissions: naming (IDActe, business files, envelope, archive), the
 * `EnveloppeCLMISILL` and every collectivité message (1-1 `Acte`, 2-2 to 4-4 answers, 6-1, 7-1) in
 * ISO-8859-1, and the deterministic tar.gz archives; reading every préfecture message (1-2 to 7-3 and
 * `AnomalieEnveloppe`) and the 7-2 classification; the validation rules of an acte submission; and
 * reading @ctes XML files (ISO-8859-1, no DOCTYPE).
 */
export { ActesArchiveError, ActesArchiveErrorCode } from './archive/archive.errors.js';
export {
  CLASSIFICATION_REGEX,
  CODE_TYPE_PJ_REGEX,
  DATE_COMPACT_REGEX,
  DEFAULT_OPERATOR_TRIGRAM,
  DEPARTEMENT_REGEX,
  ID_ACTE_REGEX,
  NATURE_ABBREVIATION_REGEX,
  NOM_ARCHIVE_REGEX,
  NOM_ENVELOPPE_REGEX,
  NOM_FICHIER_METIER_REGEX,
  NUMERO_INTERNE_REGEX,
  SIREN_REGEX,
  idActe,
  isNatureActeCode,
  natureActeAbbreviation,
  nomArchive,
  nomEnveloppe,
  nomFichierTransmissionActe,
  type ActeFileExtension,
  type EnveloppeNameParts,
  type FichierActeName,
  type IdActeParts,
  type NatureActeAbbreviation,
  type NatureActeCode,
} from './archive/archive.naming.js';
export {
  ACTES_NAMESPACE,
  INSEE_NAMESPACE,
  LATIN1_XML_DECLARATION,
  assertLatin1XmlText,
} from './archive/archive.latin1-xml.js';
export {
  ACTES_EMAIL_REGEX,
  enveloppeXml,
  type CollectiviteEmettrice,
  type EnveloppeInput,
  type Referent,
} from './archive/archive.enveloppe-xml.js';
export { OBJET_MAX_LENGTH, acteXml, codesMatiere, type ActeMessageInput } from './archive/archive.acte-xml.js';
export {
  buildActeArchive,
  packArchive,
  type ArchiveEntry,
  type PackedArchive,
  type ActeArchive,
  type ActeArchiveFile,
  type ActeArchiveInput,
  type ActeDocument,
} from './archive/archive.build.js';
export {
  ANNULATION_MESSAGE_CODE,
  annulationXml,
  buildAnnulationArchive,
  nomFichierAnnulation,
  type AnnulationArchive,
  type AnnulationArchiveInput,
} from './archive/archive.annulation.js';
export {
  COLLECTIVITE_MESSAGE_ROOTS,
  DEMANDE_CLASSIFICATION_MESSAGE_CODE,
  NOM_FICHIER_CLASSIFICATION_REGEX,
  REPLY_MESSAGE_CODES,
  isReplyMessageCode,
  nomFichierDemandeClassification,
  nomFichierReponse,
  type CollectiviteMessageCode,
  type ReplyMessageCode,
} from './exchange/exchange.naming.js';
export {
  buildReplyArchive,
  replyXml,
  type ReplyArchive,
  type ReplyArchiveInput,
  type ReplyDocument,
  type ReplyMessageInput,
} from './exchange/exchange.reply.js';
export {
  buildClassificationRequestArchive,
  demandeClassificationXml,
  type ClassificationRequestArchive,
  type ClassificationRequestArchiveInput,
} from './exchange/exchange.demande-classification.js';
export { PrefectureMessageError, PrefectureMessageErrorCode } from './prefecture/prefecture.errors.js';
export {
  PREFECTURE_MESSAGE_ROOTS,
  type ARActeMessage,
  type ARAnnulationMessage,
  type ARReponseMessage,
  type AnomalieActeMessage,
  type AnomalieEnveloppeMessage,
  type AnomalieEnveloppeNature,
  type DefereTAMessage,
  type PrefectureDocument,
  type PrefectureFile,
  type PrefectureLetterMessage,
  type PrefectureMessage,
  type PrefectureMessageCode,
  type ReponseClassificationSansChangementMessage,
  type RetourClassificationMessage,
} from './prefecture/prefecture.types.js';
export { parsePrefectureMessage } from './prefecture/prefecture.parse.js';
export {
  ActesXmlError,
  ActesXmlErrorCode,
  decodeXmlText,
  isXmlElement,
  parseActesXml,
  type ActesXmlOptions,
  type ActesXmlTree,
} from './xml/actes-xml.read.js';
export * from './validation/index.js';
export { ClassificationErrorCode, ClassificationFileError } from './classification/classification.errors.js';
export {
  classificationJson,
  loadClassificationFile,
  parseClassificationJson,
  parseRetourClassification,
} from './classification/classification.read.js';
export {
  ActesImportError,
  ActesImportErrorCode,
  type UnpackProgress,
} from './import/archive-import.errors.js';
export { isSafeEntryName, unpackArchive, type UnpackLimits, type UnpackedFile } from './import/archive.unpack.js';
export {
  readActeArchive,
  type ImportedActe,
  type ImportedActeArchive,
  type ImportedActeFile,
} from './import/archive.read.js';
