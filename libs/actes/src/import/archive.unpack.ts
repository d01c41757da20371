import { createGunzip } from 'node:zlib';
import { extract } from 'tar-stream';

import { ActesImportError, ActesImportErrorCode } from './archive-import.errors.js';

/** How much an archive may hold once inflated. */
export interface UnpackLimits {
  /** Largest tar accepted once inflated, in bytes: inflating stops as soon as it is passed (a gzip bomb stops here). */
  readonly maxInflatedBytes: number;
  /** Most tar entries accepted (10,000 tiny files stop here). */
  readonly maxEntries: number;
}

/** One regular file of the archive. */
export interface UnpackedFile {
  readonly name: string;
  readonly content: Buffer;
}

/**
 * A tar entry name accepted: a bare file name. @ctes archives are flat, so anything with a directory
 * part, an absolute path or a parent reference is refused rather than normalised.
 */
export function isSafeEntryName(name: string): boolean {
  return (
    name.length > 0 &&
    name.length <= 255 &&
    !name.includes('/') &&
    !name.includes('\\') &&
    !name.includes('..') &&
    !name.includes('\0') &&
    name !== '.'
  );
}

/**
 * Inflates a tar.gz in memory, as a stream, and returns its regular files in order. Nothing is written
 * to disk. Inflating stops as soon as more than `limits.maxInflatedBytes` came out or more than
 * `limits.maxEntries` entries were seen; an unsafe or repeated name and any entry that is not a regular
 * file (symlink, hardlink, directory, device…) is refused before its content is read.
 * @throws ActesImportError `ACTES.ARCHIVE_NOT_GZIP`, `_NOT_TAR`, `_TOO_LARGE`, `_TOO_MANY_ENTRIES`,
 * `_UNSAFE_ENTRY_NAME`, `_UNSUPPORTED_ENTRY_TYPE`, `_DUPLICATE_ENTRY`
 */
export function unpackArchive(body: Uint8Array, limits: UnpackLimits): Promise<UnpackedFile[]> {
  const gunzip = createGunzip();
  const reader = extract();
  const files: UnpackedFile[] = [];
  const seen = new Set<string>();
  let inflatedBytes = 0;
  let entries = 0;
  let failed = false;
  return new Promise<UnpackedFile[]>((resolve, reject) => {
    const refuse = (code: ActesImportErrorCode, message: string): void => {
      if (failed) return;
      failed = true;
      reject(new ActesImportError(code, message, { inflatedBytes, entries }));
      gunzip.destroy();
      reader.destroy();
    };
    gunzip.on('data', (chunk: Buffer) => {
      if (failed) return;
      inflatedBytes += chunk.length;
      if (inflatedBytes > limits.maxInflatedBytes) {
        refuse(ActesImportErrorCode.TooLarge, `The inflated archive exceeds ${limits.maxInflatedBytes} bytes.`);
        return;
      }
      if (!reader.write(chunk)) gunzip.pause();
    });
    reader.on('drain', () => gunzip.resume());
    gunzip.on('end', () => {
      if (!failed) reader.end(Buffer.alloc(0));
    });
    gunzip.on('error', () => {
      refuse(ActesImportErrorCode.NotGzip, 'The body is not a gzip stream.');
    });
    reader.on('entry', (header, stream, next) => {
      // The entry's own stream errors when the reader is torn down; the refusal is what matters.
      stream.on('error', () => undefined);
      entries += 1;
      if (entries > limits.maxEntries) {
        refuse(ActesImportErrorCode.TooManyEntries, `The archive holds more than ${limits.maxEntries} entries.`);
        return;
      }
      if (!isSafeEntryName(header.name)) {
        refuse(ActesImportErrorCode.UnsafeEntryName, `Unsafe entry name in the archive: « ${printable(header.name)} ».`);
        return;
      }
      if (header.type !== 'file') {
        refuse(
          ActesImportErrorCode.UnsupportedEntryType,
          `Entry « ${printable(header.name)} » is a ${header.type}, not a regular file.`,
        );
        return;
      }
      if (seen.has(header.name)) {
        refuse(ActesImportErrorCode.DuplicateEntry, `Entry « ${printable(header.name)} » appears twice in the archive.`);
        return;
      }
      seen.add(header.name);
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: unknown) => {
        if (Buffer.isBuffer(chunk)) chunks.push(chunk);
      });
      stream.on('end', () => {
        files.push({ name: header.name, content: chunks.length === 1 && chunks[0] !== undefined ? chunks[0] : Buffer.concat(chunks) });
        next();
      });
    });
    reader.on('finish', () => {
      if (!failed) resolve(files);
    });
    reader.on('error', () => {
      refuse(ActesImportErrorCode.NotTar, 'The inflated body is not a valid tar.');
    });
    gunzip.end(body);
  });
}

/** A name as it may be shown in a message: control characters replaced, at most 100 characters. */
function printable(name: string): string {
  const shown = name.replace(/[\u0000-\u001f\u007f]/g, '?');
  return shown.length > 100 ? `${shown.slice(0, 100)}…` : shown;
}
