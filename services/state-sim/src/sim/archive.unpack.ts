import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { extract } from 'tar-stream';

import { SimError, SimErrorCode } from './sim.errors.js';

const gunzipAsync = promisify(gunzip);

/** How much an archive may hold once inflated. */
export interface UnpackLimits {
  /** Largest tar accepted once inflated, in bytes (a gzip bomb stops here). */
  readonly maxInflatedBytes: number;
  /** Most entries accepted. */
  readonly maxEntries: number;
}

/** One regular file of the archive. */
export interface UnpackedFile {
  readonly name: string;
  readonly content: Buffer;
}

/**
 * A tar entry name the simulator accepts: a bare file name. @ctes archives are flat, so anything with a
 * directory part or a parent reference is refused rather than normalised.
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

async function inflate(body: Buffer, limits: UnpackLimits): Promise<Buffer> {
  try {
    return await gunzipAsync(body, { maxOutputLength: limits.maxInflatedBytes });
  } catch (error) {
    // Checked by code, not by class: under Jest's VM modules the error comes from another realm.
    if (typeof error === 'object' && error !== null && 'code' in error && error.code === 'ERR_BUFFER_TOO_LARGE') {
      throw new SimError(SimErrorCode.ArchiveTooLarge, `The inflated archive exceeds ${limits.maxInflatedBytes} bytes.`);
    }
    throw new SimError(SimErrorCode.NotGzip, 'The body is not a gzip stream.');
  }
}

/**
 * Inflates a tar.gz in memory and returns its regular files, in order. Refuses, with a {@link SimError},
 * what is not gzip or tar, an unsafe or repeated name, any entry that is not a regular file, and more
 * entries or bytes than `limits` allow.
 */
export async function unpackArchive(body: Buffer, limits: UnpackLimits): Promise<UnpackedFile[]> {
  const tar = await inflate(body, limits);
  const files: UnpackedFile[] = [];
  const seen = new Set<string>();
  const reader = extract();
  const done = new Promise<void>((resolve, reject) => {
    reader.on('entry', (header, stream, next) => {
      // The entry's own stream errors when the reader is torn down; the refusal is what matters.
      stream.on('error', () => undefined);
      const refuse = (error: SimError): void => {
        reject(error);
        reader.destroy();
      };
      if (files.length >= limits.maxEntries) {
        refuse(new SimError(SimErrorCode.TooManyEntries, `The archive holds more than ${limits.maxEntries} entries.`));
        return;
      }
      if (!isSafeEntryName(header.name)) {
        refuse(new SimError(SimErrorCode.UnsafeEntryName, `Unsafe entry name in the archive: « ${header.name} ».`));
        return;
      }
      if (header.type !== 'file') {
        refuse(
          new SimError(SimErrorCode.UnsupportedEntryType, `Entry « ${header.name} » is a ${header.type}, not a regular file.`),
        );
        return;
      }
      if (seen.has(header.name)) {
        refuse(new SimError(SimErrorCode.DuplicateEntry, `Entry « ${header.name} » appears twice in the archive.`));
        return;
      }
      seen.add(header.name);
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: unknown) => {
        if (Buffer.isBuffer(chunk)) chunks.push(chunk);
      });
      stream.on('end', () => {
        files.push({ name: header.name, content: Buffer.concat(chunks) });
        next();
      });
    });
    reader.on('finish', resolve);
    reader.on('error', () => {
      reject(new SimError(SimErrorCode.NotTar, 'The inflated body is not a valid tar.'));
    });
  });
  reader.end(tar);
  await done;
  return files;
}
