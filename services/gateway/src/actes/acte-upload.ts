import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import busboy from 'busboy';
import type { BlobStore } from '@relais/blob-store';
import type { FileRef } from '@relais/domain';
import { ApiError } from '../errors/api-error.js';
import { GatewayErrorCode } from '../errors/error-codes.js';

/** Bounds on one `POST /api/v1/actes` body. */
export interface UploadLimits {
  /** All files together, in bytes (413 past it). */
  readonly maxUploadBytes: number;
  /** The metadata part, in bytes. */
  readonly maxMetadataBytes: number;
  /** The document and the annexes. */
  readonly maxFiles: number;
}

/** What a multipart acte body held: the metadata as text, the files stored in the blob store. */
export interface ActeUpload {
  readonly metadata: string | undefined;
  readonly document: FileRef | undefined;
  readonly annexes: readonly FileRef[];
}

interface StoredPart {
  readonly position: number;
  readonly field: 'document' | 'annexes';
  readonly ref: FileRef;
}

const MULTIPART = /^multipart\/form-data\s*(;|$)/i;

const bad = (code: string, message: string, field?: string): ApiError => ApiError.of(400, code, message, field);

/**
 * Reads a multipart acte body as it arrives: each file part is streamed into the blob store (never
 * held whole in memory) and described by its sha256, size, name and media type; the metadata part may
 * come before or after the files. Rejects with an ApiError (400, 413) when the body cannot be read,
 * having stopped every upload in flight; what was already stored stays in the content-addressed
 * store, referenced by nothing.
 */
export async function readActeUpload(request: IncomingMessage, blobs: BlobStore, limits: UploadLimits): Promise<ActeUpload> {
  const contentType = request.headers['content-type'] ?? '';
  if (!MULTIPART.test(contentType)) {
    throw bad(GatewayErrorCode.NotMultipart, `The body must be multipart/form-data, not « ${contentType} »`);
  }
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: request.headers,
      defParamCharset: 'utf8',
      limits: { fieldSize: limits.maxMetadataBytes, files: limits.maxFiles, fields: 20, parts: limits.maxFiles + 20 },
    });
  } catch (error) {
    throw bad(GatewayErrorCode.MalformedMultipart, error instanceof Error ? error.message : String(error));
  }
  return new Promise<ActeUpload>((resolve, reject) => {
    let failure: Error | undefined;
    let settled = false;
    let total = 0;
    let position = 0;
    let metadata: string | undefined;
    let metadataParts = 0;
    let documents = 0;
    const stored: StoredPart[] = [];
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
        resolve({
          metadata,
          document: stored.find((part) => part.field === 'document')?.ref,
          annexes: stored.filter((part) => part.field === 'annexes').map((part) => part.ref),
        });
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
    // Counts the bytes of every file together, so the limit holds for the submission as a whole.
    async function* counted(stream: Readable): AsyncGenerator<Uint8Array> {
      for await (const chunk of stream as AsyncIterable<Uint8Array>) {
        total += chunk.byteLength;
        if (total > limits.maxUploadBytes) {
          throw ApiError.of(413, GatewayErrorCode.UploadTooLarge, `The files together exceed ${limits.maxUploadBytes} bytes`);
        }
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
          readText(stream, limits.maxMetadataBytes)
            .then(setMetadata, fail)
            .finally(() => active.delete(stream)),
        );
        return;
      }
      if (name !== 'document' && name !== 'annexes') {
        stream.resume();
        return;
      }
      if (name === 'document' && ++documents > 1) {
        stream.resume();
        fail(bad(GatewayErrorCode.DuplicatePart, 'Only one document part is allowed', 'document'));
        return;
      }
      const at = position++;
      // busboy also hands over a part without a filename when its type is application/octet-stream.
      const { filename } = info as { filename?: string };
      const fileName = filename ?? name;
      active.add(stream);
      pending.push(
        blobs
          .put(counted(stream))
          .then(
            ({ sha256, size }) => {
              stored.push({ position: at, field: name, ref: { sha256, size, name: fileName, mediaType: info.mimeType } });
            },
            fail,
          )
          .finally(() => active.delete(stream)),
      );
    });
    parser.on('field', (name, value, info) => {
      if (failure !== undefined) return;
      if (name === 'metadata') {
        if (info.valueTruncated) fail(bad(GatewayErrorCode.MetadataTooLarge, `metadata exceeds ${limits.maxMetadataBytes} bytes`, 'metadata'));
        else setMetadata(value);
      } else if (name === 'document' || name === 'annexes') {
        fail(bad(GatewayErrorCode.PartNotAFile, `The ${name} part must be a file (with a filename)`, name));
      }
    });
    const tooMany = (): void => {
      fail(bad(GatewayErrorCode.TooManyParts, `At most ${limits.maxFiles} files and 20 fields are allowed`));
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
