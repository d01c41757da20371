import { SimError, SimErrorCode } from './sim.errors.js';

/** Reads a request body into memory, refusing it as soon as it passes `maxBytes`. */
export async function readBoundedBody(stream: AsyncIterable<unknown>, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += bytes.length;
    if (size > maxBytes) throw new SimError(SimErrorCode.ArchiveTooLarge, `The archive exceeds ${maxBytes} bytes.`);
    chunks.push(bytes);
  }
  return Buffer.concat(chunks, size);
}
