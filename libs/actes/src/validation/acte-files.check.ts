import { ActeErrorCode as Code, type Report } from './acte-validation.errors.js';
import type { ActesRules } from './acte-validation.rules.js';
import type { ActeFileInput } from './acte-validation.types.js';
import { hasPdfEnd, sniffFormat, type FileFormat } from './file-format.sniff.js';
import type { Nature } from './nature.values.js';

// C0 and C1 control characters and DEL: no file system or archive name should hold them.
const CONTROL_CHARACTER = /[\u0000-\u001F\u007F-\u009F]/u;

const formatNames: Readonly<Record<FileFormat, string>> = { pdf: 'PDF', xml: 'XML', png: 'PNG', jpeg: 'JPEG' };

function checkName(file: ActeFileInput, field: string, report: Report): void {
  const { name } = file;
  if (name.trim() === '' || /[/\\]/.test(name) || name.includes('..') || CONTROL_CHARACTER.test(name)) {
    report(
      Code.FileNameInvalid,
      `Le nom de fichier « ${name} » n'est pas valable : il ne doit être ni vide, ni contenir de chemin (/, \\, ..) ou de caractère de contrôle.`,
      field,
    );
  }
}

/** XML is allowed for the main document only for a budget: nature 5 (BF) classified 7.1 (S²LOW `addFile`). */
function allowsXmlDocument(nature: Nature, levels: readonly number[]): boolean {
  return nature.code === 5 && levels[0] === 7 && levels[1] === 1;
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
  report: Report,
): FileFormat | undefined {
  if (document === undefined || document.size === 0) {
    report(Code.DocumentMissing, "Le document de l'acte est absent ou vide.", 'document');
    return undefined;
  }
  checkName(document, 'document', report);
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
      `Le document de l'acte « ${document.name} » n'est pas un PDF (son contenu a été examiné, pas seulement son nom).`,
      'document',
    );
    return undefined;
  }
  if (document.tail !== undefined && !hasPdfEnd(document.tail)) {
    report(
      Code.DocumentTruncated,
      `Le document « ${document.name} » est incomplet (la fin du PDF manque) ; l'enregistrer de nouveau et le renvoyer.`,
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
  checkName(annexe, field, report);
  const format = sniffFormat(annexe.head);
  if (format === undefined || !rules.annexeFormats.includes(format)) {
    const allowed = rules.annexeFormats.map((f) => formatNames[f]).join(', ');
    report(
      Code.AnnexeFormatInvalid,
      `L'annexe « ${annexe.name} » n'est pas dans un format accepté (${allowed}) ; son contenu a été examiné, pas seulement son nom.`,
      field,
    );
    return undefined;
  }
  if (documentFormat === 'xml' && format !== 'pdf') {
    report(
      Code.AnnexeFormatNotAllowed,
      `Avec un acte au format XML, les annexes doivent être des PDF ; « ${annexe.name} » est un fichier ${formatNames[format]}.`,
      field,
    );
    return undefined;
  }
  if (format === 'pdf' && annexe.tail !== undefined && !hasPdfEnd(annexe.tail)) {
    report(
      Code.AnnexeTruncated,
      `L'annexe « ${annexe.name} » est incomplète (la fin du PDF manque) ; l'enregistrer de nouveau et la renvoyer.`,
      field,
    );
    return undefined;
  }
  return format;
}

/** Reports document and annexes weighing together more than the archive ceiling. */
export function checkTotalSize(files: readonly ActeFileInput[], rules: ActesRules, report: Report): void {
  const total = files.reduce((sum, file) => sum + file.size, 0);
  if (total > rules.maxArchiveBytes) {
    // Rounded up to the tenth, so that a file just over the limit never reads as equal to it.
    const mo = (bytes: number): string => (Math.ceil(bytes / 104_857.6) / 10).toFixed(1).replace('.', ',');
    report(
      Code.ArchiveTooLarge,
      `L'acte et ses annexes pèsent ensemble ${mo(total)} Mo ; la limite est de ${mo(rules.maxArchiveBytes)} Mo.`,
    );
  }
}
