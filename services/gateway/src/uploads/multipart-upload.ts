import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import busboy from 'busboy';
import type { BlobStore } from '@relais/blob-store';
import type { FileRef } from '@relais/domain';
import { ApiError } from '../errors/api-error.js';
import { GatewayErrorCode } from '../errors/error-codes.js';
import { FileEnds } from './file-ends.js';

/** Bounds on one multipart body. */
export interface UploadLimits {
  /** All files together, in bytes (413 past it). */
  readonly maxUploadBytes: number;
  /** The metadata part, in bytes. */
  readonly maxMetadataBytes: number;
  /** File parts, all fields together. */
  readonly maxFiles: number;
  /** A file part's name, in UTF-8 bytes (400 REQUEST.FILE_NAME_TOO_LONG past it; default 255). */
  readonly maxFileNameBytes?: number;
}

const DEFAULT_MAX_FILE_NAME_BYTES = 255;

/** The file parts a route takes, by field name: `single` ones may come once (a second is 400 REQUEST.DUPLICATE_PART). */
export type FileFields = Readonly<Record<string, 'single' | 'many'>>;

/** One file part, stored in the blob store. */
export interface StoredPart {
  readonly field: string;
  readonly ref: FileRef;
  /** The first and last bytes (`keepEnds` of each) when asked for, so its format can be judged without reading it back. */
  readonly head: Uint8Array;
  readonly tail: Uint8Array;
}

/** What a multipart body held: the metadata as text, the files stored, in the order they came. */
export interface MultipartUpload {
  readonly metadata: string | undefined;
  readonly files: readonly StoredPart[];
}

/** Options of {@link readMultipartUpload}. */
export interface ReadOptions extends UploadLimits {
  readonly fileFields: FileFields;
  /** Bytes of each end of every file to keep; 0 (the default) keeps none. */
  readonly keepEnds?: number;
}

interface Positioned extends StoredPart {
  readonly position: number;
}

const MULTIPART = /^multipart\/form-data\s*(;|$)/i;

const bad = (code: string, message: string, field?: string): ApiError => ApiError.of(400, code, message, field);

/**
 * Reads a multipart body as it arrives: each file part of `fileFields` is streamed into the blob
 * store (never held whole in memory) and described by its sha256, size, name and media type; parts of
 * other names are skipped; the `metadata` part (a field or a file) may come before or after the files.
 * Rejects with an ApiError (400, 413) when the body cannot be read, having stopped every upload in
 * flight; what was already stored stays in the content-addressed store, referenced by nothing.
 */
export async function readMultipartUpload(request: IncomingMessage, blobs: BlobStore, options: ReadOptions): Promise<MultipartUpload> {
  const contentType = request.headers['content-type'] ?? '';
  if (!MULTIPART.test(contentType)) {
    throw bad(GatewayErrorCode.NotMultipart, `The body must be multipart/form-data, not « ${contentType} »`);
  }
  const { fileFields, maxFiles, maxMetadataBytes, maxUploadBytes } = options;
  const keepEnds = options.keepEnds ?? 0;
  const isFileField = (name: string): boolean => Object.hasOwn(fileFields, name);
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: request.headers,
      defParamCharset: 'utf8',
      limits: { fieldSize: maxMetadataBytes, files: maxFiles, fields: 20, parts: maxFiles + 20 },
    });
  } catch (error) {
    throw bad(GatewayErrorCode.MalformedMultipart, error instanceof Error ? error.message : String(error));
  }
  return new Promise<MultipartUpload>((resolve, reject) => {
    let failure: Error | undefined;
    let settled = false;
    let total = 0;
    let position = 0;
    let metadata: string | undefined;
    let metadataParts = 0;
    const seen = new Map<string, number>();
    const stored: Positioned[] = [];
    const pending: Promise<void>[] = [];
    const active = new Set<Readable>();

    const settle = (): void => {
      if (settled) return;
      settled = true;
      void Promise.allSettled(pending).then(() => {
        if (failure !== undefined) {
          reject(failure);
          return;
        }
        stored.sort((a, b) => a.position - b.position);
        resolve({ metadata, files: stored.map(({ field, ref, head, tail }) => ({ field, ref, head, tail })) });
      });
    };
    const fail = (error: unknown): void => {
      if (failure !== undefined) return;
      const reason = error instanceof Error ? error : new Error(String(error));
      failure = reason;
      request.unpipe(parser);
      for (const stream of active) stream.destroy(reason);
      settle();
    };
    const setMetadata = (text: string): void => {
      metadataParts += 1;
      if (metadataParts > 1) fail(bad(GatewayErrorCode.DuplicatePart, 'Only one metadata part is allowed', 'metadata'));
      else metadata = text;
    };
    // Counts the bytes of every file together, so the limit holds for the upload as a whole.
    async function* counted(stream: Readable, ends: FileEnds): AsyncGenerator<Uint8Array> {
      for await (const chunk of stream as AsyncIterable<Uint8Array>) {
        total += chunk.byteLength;
        if (total > maxUploadBytes) {
          throw ApiError.of(413, GatewayErrorCode.UploadTooLarge, `The files together exceed ${maxUploadBytes} bytes`);
        }
        ends.add(chunk);
        yield chunk;
      }
    }

    parser.on('file', (name, stream, info) => {
      if (failure !== undefined) {
        stream.resume();
        return;
      }
      if (name === 'metadata') {
        active.add(stream);
        pending.push(
          readText(stream, maxMetadataBytes)
            .then(setMetadata, fail)
            .finally(() => active.delete(stream)),
        );
        return;
      }
      if (!isFileField(name)) {
        stream.resume();
        return;
      }
      const count = (seen.get(name) ?? 0) + 1;
      seen.set(name, count);
      if (fileFields[name] === 'single' && count > 1) {
        stream.resume();
        fail(bad(GatewayErrorCode.DuplicatePart, `Only one ${name} part is allowed`, name));
        return;
      }
      const at = position++;
      // busboy also hands over a part without a filename when its type is application/octet-stream.
      const { filename } = info as { filename?: string };
      const fileName = filename ?? name;
      // The name is kept in the log with the file: a bounded one keeps events small.
      const maxNameBytes = options.maxFileNameBytes ?? DEFAULT_MAX_FILE_NAME_BYTES;
      if (Buffer.byteLength(fileName) > maxNameBytes) {
        stream.resume();
        fail(bad(GatewayErrorCode.FileNameTooLong, `A file name may have at most ${maxNameBytes} bytes`, name));
        return;
      }
      const ends = new FileEnds(keepEnds);
      active.add(stream);
      pending.push(
        blobs
          .put(counted(stream, ends))
          .then(
            ({ sha256, size }) => {
              const ref = { sha256, size, name: fileName, mediaType: info.mimeType };
              stored.push({ position: at, field: name, ref, head: ends.head(), tail: ends.tail() });
            },
            fail,
          )
          .finally(() => active.delete(stream)),
      );
    });
    parser.on('field', (name, value, info) => {
      if (failure !== undefined) return;
      if (name === 'metadata') {
        if (info.valueTruncated) fail(bad(GatewayErrorCode.MetadataTooLarge, `metadata exceeds ${maxMetadataBytes} bytes`, 'metadata'));
        else setMetadata(value);
      } else if (isFileField(name)) {
        fail(bad(GatewayErrorCode.PartNotAFile, `The ${name} part must be a file (with a filename)`, name));
      }
    });
    const tooMany = (): void => {
      fail(bad(GatewayErrorCode.TooManyParts, `At most ${maxFiles} files and 20 fields are allowed`));
    };
    parser.on('filesLimit', tooMany);
    parser.on('fieldsLimit', tooMany);
    parser.on('partsLimit', tooMany);
    parser.on('error', (error: unknown) => {
      fail(bad(GatewayErrorCode.MalformedMultipart, error instanceof Error ? error.message : String(error)));
    });
    parser.on('close', settle);
    request.on('error', (error) => {
      fail(bad(GatewayErrorCode.ClientAborted, `The request broke off: ${error.message}`));
    });
    request.on('close', () => {
      if (!request.complete) fail(bad(GatewayErrorCode.ClientAborted, 'The client went away before the end of the body'));
    });
    request.pipe(parser);
  });
}

/**
 * The metadata part as JSON: 400 REQUEST.MISSING_METADATA without one, 400 REQUEST.METADATA_NOT_JSON
 * when it does not parse (API.md: a request that cannot be read at all answers 400).
 */
export function metadataJson(text: string | undefined): unknown {
  if (text === undefined) throw bad(GatewayErrorCode.MissingMetadata, 'The metadata part is missing', 'metadata');
  try {
    return JSON.parse(text);
  } catch {
    throw bad(GatewayErrorCode.MetadataNotJson, 'The metadata part is not JSON', 'metadata');
  }
}

/** A small part as text; past `maxBytes` it is refused rather than read on. */
async function readText(stream: Readable, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    size += chunk.byteLength;
    if (size > maxBytes) throw bad(GatewayErrorCode.MetadataTooLarge, `metadata exceeds ${maxBytes} bytes`, 'metadata');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
