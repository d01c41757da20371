import { createHash } from 'node:crypto';
import { buffer } from 'node:stream/consumers';
import { promisify } from 'node:util';
import { constants, gzip } from 'node:zlib';

/* Off the event loop: a transmitter packs archives while it delivers others and reads replies. */
const gzipAsync = promisify(gzip);
import { pack } from 'tar-stream';

import { acteXml } from './archive.acte-xml.js';
import { type CollectiviteEmettrice, enveloppeXml } from './archive.enveloppe-xml.js';
import {
  type ActeFileExtension,
  type NatureActeCode,
  compactDate,
  idActe,
  nomArchive,
  nomEnveloppe,
  nomFichierTransmissionActe,
} from './archive.naming.js';

/** A document of the acte (the main one or an annex) and its bytes. */
export interface ActeDocument {
  /** Extension of the file (`pdf`, `xml`, `png`, `jpg`), which its conventional name keeps. */
  readonly extension: ActeFileExtension;
  /** Actes V2 typology code (`99_DE`) that prefixes the file name. */
  readonly codeTypePJ?: string | undefined;
  /** The file's bytes, carried unchanged. */
  readonly content: Uint8Array;
  /** Its detached signature (CMS, DER), carried in the 1-1's `Signature` element, if it came signed. */
  readonly signature?: Uint8Array | undefined;
}

/** Everything an outbound 1-1 transmission needs: who sends, the acte, its files, and the envelope's numbering. */
export interface ActeArchiveInput {
  /** Operator trigram assigned at homologation; `RLS` when absent. */
  readonly operatorTrigram?: string | undefined;
  /** The collectivité's envelope sequence number (the `N` of `EACT--SIREN--YYYYMMDD-N`). */
  readonly sequence: number;
  /** Day of sending, `YYYY-MM-DD`; names the envelope and dates the tar entries. */
  readonly dateEnvoi: string;
  /** The emitting collectivité. */
  readonly collectivite: CollectiviteEmettrice;
  /** The operator's mailboxes for the ministry's replies; at least one. */
  readonly adressesRetour: readonly string[];
  /** The acte. */
  readonly acte: {
    /** Date of the decision, `YYYY-MM-DD`. */
    readonly dateDecision: string;
    /** The collectivité's number for the acte. */
    readonly numeroInterne: string;
    /** Nature of the acte, 1..6. */
    readonly nature: NatureActeCode;
    /** Classification, `7.1`, `1.1.2`. */
    readonly classification: string;
    /** Object of the acte. */
    readonly objet: string;
    /** Date of the classification used, `YYYY-MM-DD`. */
    readonly classificationDateVersion: string;
    /** Whether a paper copy follows by post. */
    readonly documentPapier: boolean;
    /** IDActe of the acte this one re-transmits, if any. */
    readonly precedentIdActe?: string | undefined;
    /** The main document (`_1`). */
    readonly document: ActeDocument;
    /** The annexes (`_2`, `_3`…), in order. */
    readonly annexes: readonly ActeDocument[];
  };
}

/** One file of the archive. */
export interface ActeArchiveFile {
  /** Its name in the tar. */
  readonly name: string;
  /** Its size in bytes. */
  readonly size: number;
}

/** A packed outbound transmission, ready to be stored and POSTed as is. */
export interface ActeArchive {
  /** `TRI-EACT--SIREN--YYYYMMDD-N.tar.gz`. */
  readonly name: string;
  /** The IDActe the ministry will know the acte by. */
  readonly idActe: string;
  /** The gzip'd tar. */
  readonly bytes: Buffer;
  /** SHA-256 of `bytes`, lower-case hex. */
  readonly sha256: string;
  /** The files of the tar, in the order they are packed: envelope, message, document, annexes. */
  readonly files: readonly ActeArchiveFile[];
}

/** Every entry gets the same mode and owner, so that the bytes depend only on the input. */
const ENTRY_MODE = 0o644;
/** The gzip header's OS byte, fixed to Unix whatever the platform that packs. */
const GZIP_OS_UNIX = 3;
const GZIP_OS_OFFSET = 9;

/** A file to pack: its name in the tar and its bytes. */
export interface ArchiveEntry {
  readonly name: string;
  readonly content: Buffer;
}

/** The bytes of a packed archive, their digest and what the tar holds. */
export interface PackedArchive {
  /** The gzip'd tar. */
  readonly bytes: Buffer;
  /** SHA-256 of `bytes`, lower-case hex. */
  readonly sha256: string;
  /** The files of the tar, in the order they were given. */
  readonly files: readonly ActeArchiveFile[];
}

async function tarOf(entries: readonly ArchiveEntry[], mtime: Date): Promise<Buffer> {
  const tar = pack();
  const packed = buffer(tar);
  for (const { name, content } of entries) {
    tar.entry(
      { name, size: content.length, mode: ENTRY_MODE, mtime, uid: 0, gid: 0, uname: '', gname: '', type: 'file' },
      content,
    );
  }
  tar.finalize();
  return packed;
}

/**
 * Packs the files of an outbound @ctes archive, in the given order, in a tar gzip'd in memory.
 * Deterministic, so that a re-send carries the same bytes under the same name: entries dated at midnight
 * UTC of `dateEnvoi`, owner 0, mode 0644; gzip header without mtime and with a fixed OS byte. Every
 * collectivité → ministry archive (1-1, 2-2 to 4-4, 6-1, 7-1) goes through it.
 * @throws ActesArchiveError `ACTES.INVALID_DATE`
 */
export async function packArchive(entries: readonly ArchiveEntry[], dateEnvoi: string): Promise<PackedArchive> {
  compactDate(dateEnvoi, 'dateEnvoi');
  const mtime = new Date(`${dateEnvoi}T00:00:00Z`);
  // PDFs are compressed already: the best level costs several times the CPU of the default for a few
  // bytes (the transmitter's throughput was bound by it).
  const bytes = await gzipAsync(await tarOf(entries, mtime), { level: constants.Z_DEFAULT_COMPRESSION });
  bytes[GZIP_OS_OFFSET] = GZIP_OS_UNIX;
  return {
    bytes,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    files: entries.map((entry) => ({ name: entry.name, size: entry.content.length })),
  };
}

/**
 * Packs a 1-1 transmission: the `EnveloppeCLMISILL`, the `Acte` message, the main document and the
 * annexes under their conventional names, in a tar gzip'd in memory. Deterministic (see
 * {@link packArchive}): the same input gives the same bytes, so that a re-send carries the same bytes
 * under the same name.
 * @throws ActesArchiveError on any value the naming rules, the schema or ISO-8859-1 refuse.
 */
export async function buildActeArchive(input: ActeArchiveInput): Promise<ActeArchive> {
  const { acte, collectivite } = input;
  const id = idActe({
    departement: collectivite.departement,
    siren: collectivite.siren,
    dateDecision: acte.dateDecision,
    numeroInterne: acte.numeroInterne,
    nature: acte.nature,
  });
  const envelopeParts = { siren: collectivite.siren, dateEnvoi: input.dateEnvoi, sequence: input.sequence };
  const name = nomArchive({ ...envelopeParts, operatorTrigram: input.operatorTrigram });
  const messageName = nomFichierTransmissionActe(id, { index: 0, extension: 'xml' });
  const named = (document: ActeDocument, index: number): { readonly name: string; readonly content: Buffer } => ({
    name: nomFichierTransmissionActe(id, { index, extension: document.extension, codeTypePJ: document.codeTypePJ }),
    content: Buffer.from(document.content.buffer, document.content.byteOffset, document.content.byteLength),
  });
  const main = named(acte.document, 1);
  const annexes = acte.annexes.map((annex, i) => named(annex, i + 2));
  const message = acteXml({
    dateDecision: acte.dateDecision,
    numeroInterne: acte.numeroInterne,
    nature: acte.nature,
    classification: acte.classification,
    objet: acte.objet,
    classificationDateVersion: acte.classificationDateVersion,
    documentPapier: acte.documentPapier,
    precedentIdActe: acte.precedentIdActe,
    nomDocument: main.name,
    nomsAnnexes: annexes.map((annex) => annex.name),
    signatureDocument: acte.document.signature,
    signaturesAnnexes: acte.annexes.map((annex) => annex.signature),
  });
  const envelope = enveloppeXml({ collectivite, adressesRetour: input.adressesRetour, formulaires: [messageName] });
  const entries = [
    { name: nomEnveloppe(envelopeParts), content: envelope },
    { name: messageName, content: message },
    main,
    ...annexes,
  ];
  return { name, idActe: id, ...(await packArchive(entries, input.dateEnvoi)) };
}
