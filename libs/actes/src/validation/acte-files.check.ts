import { ActeErrorCode as Code, type Report } from './acte-validation.errors.js';
import type { ActesRules } from './acte-validation.rules.js';
import type { ActeFileInput } from './acte-validation.types.js';
import { hasPdfEnd, isEncryptedPdf, sniffFormat, type FileFormat } from './file-format.sniff.js';
import { NOM_ARCHIVE_REGEX, NOM_FICHIER_METIER_REGEX } from '../archive/archive.naming.js';
import type { Nature } from './nature.values.js';
import { shown } from './value.display.js';

// C0 and C1 control characters (NUL among them) and DEL: no file system or archive name should hold them;
// bidirectional overrides and isolates, which make `fdp.exe` read `exe.pdf`; halves of a broken surrogate pair.
const FORBIDDEN_CHARACTER = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\p{Cs}]/u;
const FORBIDDEN_CHARACTER_ALL = new RegExp(FORBIDDEN_CHARACTER.source, 'gu');
// A path: a separator, or a Windows drive letter (`C:acte.pdf` is relative to drive C's directory).
const PATH = /[/\\]|^[A-Za-z]:/;

const formatNames: Readonly<Record<FileFormat, string>> = { pdf: 'PDF', xml: 'XML', png: 'PNG', jpeg: 'JPEG' };

/** Reports a name that is not a plain file name; returns it as other messages may show it (cut short, controls as `?`). */
function checkName(file: ActeFileInput, field: string, rules: ActesRules, report: Report): string {
  const name: unknown = file.name;
  const valid =
    typeof name === 'string' &&
    name.trim() !== '' &&
    name !== '.' &&
    Array.from(name).length <= rules.maxFileNameLength &&
    !PATH.test(name) &&
    !name.includes('..') &&
    !FORBIDDEN_CHARACTER.test(name);
  if (!valid) {
    report(
      Code.FileNameInvalid,
      `Le nom de fichier « ${shown(name).replace(FORBIDDEN_CHARACTER_ALL, '?')} » n'est pas valable : il ne doit être ni vide, ni plus long que ${rules.maxFileNameLength} caractères, ` +
        'ni contenir de chemin (/, \\, .., lecteur C:) ou de caractère de contrôle.',
      field,
    );
  }
  return shown(name).replace(FORBIDDEN_CHARACTER_ALL, '?');
}

/** XML is allowed for the main document only for a budget: nature 5 (BF) classified 7.1 (S²LOW `addFile`). */
function allowsXmlDocument(nature: Nature, levels: readonly number[]): boolean {
  return nature.code === 5 && levels[0] === 7 && levels[1] === 1;
}

/** Whether a PDF is refused for being encrypted (unless the rules accept encrypted PDFs). */
function refusedEncrypted(file: ActeFileInput, rules: ActesRules): boolean {
  return !rules.allowEncryptedPdf && isEncryptedPdf(file.head, file.tail);
}

/**
 * Checks the main document's name and bytes and returns its format, or undefined when it is missing
 * or refused. An XML document is judged only once nature and classification are known, so that a
 * wrong nature does not also show up as a wrong format.
 */
export function checkDocument(
  document: ActeFileInput | undefined,
  nature: Nature | undefined,
  levels: readonly number[] | undefined,
  rules: ActesRules,
  report: Report,
): FileFormat | undefined {
  if (document === undefined || document.size === 0) {
    report(Code.DocumentMissing, "Le document de l'acte est absent ou vide.", 'document');
    return undefined;
  }
  const name = checkName(document, 'document', rules, report);
  const format = sniffFormat(document.head);
  if (format === 'xml') {
    if (nature === undefined || levels === undefined) return undefined;
    if (allowsXmlDocument(nature, levels)) return format;
    report(
      Code.DocumentFormatNotAllowed,
      "Un acte au format XML n'est accepté que pour un document budgétaire (nature 5, BF) classé en 7.1 ; transmettre l'acte en PDF.",
      'document',
    );
    return undefined;
  }
  if (format !== 'pdf') {
    report(
      Code.DocumentNotPdf,
      `Le document de l'acte « ${name} » n'est pas un PDF (son contenu a été examiné, pas seulement son nom).`,
      'document',
    );
    return undefined;
  }
  if (document.tail !== undefined && !hasPdfEnd(document.tail)) {
    report(
      Code.DocumentTruncated,
      `Le document « ${name} » est incomplet (la fin du PDF manque) ; l'enregistrer de nouveau et le renvoyer.`,
      'document',
    );
    return undefined;
  }
  if (refusedEncrypted(document, rules)) {
    report(
      Code.DocumentEncrypted,
      `Le document « ${name} » est un PDF protégé (chiffré par un mot de passe) que la préfecture ne pourrait ni lire ni tamponner ; l'enregistrer sans protection et le renvoyer.`,
      'document',
    );
    return undefined;
  }
  return format;
}

/** Checks one annexe's name and bytes and returns its format, or undefined when refused. */
export function checkAnnexe(
  annexe: ActeFileInput,
  field: string,
  documentFormat: FileFormat | undefined,
  rules: ActesRules,
  report: Report,
): FileFormat | undefined {
  const name = checkName(annexe, field, rules, report);
  const format = sniffFormat(annexe.head);
  if (format === undefined || !rules.annexeFormats.includes(format)) {
    const allowed = rules.annexeFormats.map((f) => formatNames[f]).join(', ');
    report(
      Code.AnnexeFormatInvalid,
      `L'annexe « ${name} » n'est pas dans un format accepté (${allowed}) ; son contenu a été examiné, pas seulement son nom.`,
      field,
    );
    return undefined;
  }
  if (documentFormat === 'xml' && format !== 'pdf') {
    report(
      Code.AnnexeFormatNotAllowed,
      `Avec un acte au format XML, les annexes doivent être des PDF ; « ${name} » est un fichier ${formatNames[format]}.`,
      field,
    );
    return undefined;
  }
  if (format === 'pdf' && annexe.tail !== undefined && !hasPdfEnd(annexe.tail)) {
    report(
      Code.AnnexeTruncated,
      `L'annexe « ${name} » est incomplète (la fin du PDF manque) ; l'enregistrer de nouveau et la renvoyer.`,
      field,
    );
    return undefined;
  }
  if (format === 'pdf' && refusedEncrypted(annexe, rules)) {
    report(
      Code.AnnexeEncrypted,
      `L'annexe « ${name} » est un PDF protégé (chiffré par un mot de passe) que la préfecture ne pourrait pas lire ; l'enregistrer sans protection et la renvoyer.`,
      field,
    );
    return undefined;
  }
  return format;
}

/** Reports document and annexes weighing together more than the archive ceiling. */
export function checkTotalSize(files: readonly ActeFileInput[], rules: ActesRules, report: Report): void {
  // A size that is not a count of bytes (negative, fractional, not a number) must not lower the total.
  const total = files.reduce((sum, file) => sum + (Number.isSafeInteger(file.size) && file.size >= 0 ? file.size : Infinity), 0);
  if (total > rules.maxArchiveBytes) {
    // Rounded up to the tenth, so that a file just over the limit never reads as equal to it.
    const mo = (bytes: number): string =>
      Number.isFinite(bytes) ? (Math.ceil(bytes / 104_857.6) / 10).toFixed(1).replace('.', ',') : '?';
    report(
      Code.ArchiveTooLarge,
      `L'acte et ses annexes pèsent ensemble ${mo(total)} Mo ; la limite est de ${mo(rules.maxArchiveBytes)} Mo.`,
    );
  }
}

// DOMAIN.md §1.7: `[NN_XX-]DPT-SIREN-YYYYMMDD-NUMERO-NAT-T-S_n.ext`; a 1-1's document and annexes are `-1-1_n`.
const ARCHIVE_FILE =
  /^(?:[0-9]{2}_[A-Z]{2}-)?(?:0[0-9][0-9AB]|9[0-9]{2})-[0-9]{9}-([0-9]{8})-([A-Za-z0-9_]{1,15})-(DE|AR|AI|CC|BF|AU)-1-1_[0-9]+\.(?:xml|pdf|png|jpg)$/;

/** What the file names of an imported archive must agree with: the acte's own metadata, once read. */
export interface ArchiveNaming {
  readonly dateDecision: unknown;
  readonly numeroInterne: unknown;
  readonly nature: Nature | undefined;
}

/**
 * For an acte imported in an @ctes archive: the archive's name (`TRI-EACT--SIREN--YYYYMMDD-N.tar.gz`)
 * and each file's name, which must be this acte's business file name (same date, numéro interne and
 * nature). A part the metadata lack (a wrong nature, say) is not compared: it has its own error.
 */
export function checkArchiveNames(
  archiveName: unknown,
  files: readonly { readonly file: ActeFileInput; readonly field: string }[],
  acte: ArchiveNaming,
  report: Report,
): void {
  if (typeof archiveName !== 'string' || !NOM_ARCHIVE_REGEX.test(archiveName)) {
    report(
      Code.ArchiveNameInvalid,
      `L'archive « ${shown(archiveName).replace(FORBIDDEN_CHARACTER_ALL, '?')} » n'a pas un nom @ctes : TRI-EACT--SIREN--AAAAMMJJ-N.tar.gz attendu.`,
      'archive',
    );
  }
  const date = typeof acte.dateDecision === 'string' ? acte.dateDecision.replaceAll('-', '') : undefined;
  const numero = typeof acte.numeroInterne === 'string' ? acte.numeroInterne : undefined;
  for (const { file, field } of files) {
    const name: unknown = file.name;
    const match = typeof name === 'string' && NOM_FICHIER_METIER_REGEX.test(name) ? ARCHIVE_FILE.exec(name) : null;
    const [, nameDate, nameNumero, nameNature] = match ?? [];
    const agrees =
      match !== null &&
      (date === undefined || nameDate === date) &&
      (numero === undefined || nameNumero === numero) &&
      (acte.nature === undefined || nameNature === acte.nature.abbreviation);
    if (!agrees) {
      report(
        Code.ArchiveFileNameInvalid,
        `Dans l'archive, le fichier « ${shown(name).replace(FORBIDDEN_CHARACTER_ALL, '?')} » n'est pas nommé comme une pièce de cet acte ` +
          '([NN_XX-]DPT-SIREN-AAAAMMJJ-NUMERO-NAT-1-1_n.pdf, avec la date, le numéro interne et la nature de l\'acte).',
        field,
      );
    }
  }
}
