import { gunzipSync } from 'node:zlib';
import { extract } from 'tar-stream';

/** The regular files of a tar.gz, in order (test-side reader: the archive comes from our own platform). */
export async function untarGz(bytes: Buffer): Promise<{ name: string; content: Buffer }[]> {
  const files: { name: string; content: Buffer }[] = [];
  const reader = extract();
  const done = new Promise<void>((resolve, reject) => {
    reader.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: unknown) => {
        if (Buffer.isBuffer(chunk)) chunks.push(chunk);
      });
      stream.on('end', () => {
        files.push({ name: header.name, content: Buffer.concat(chunks) });
        next();
      });
      stream.resume();
    });
    reader.on('finish', resolve);
    reader.on('error', reject);
  });
  reader.end(gunzipSync(bytes));
  await done;
  return files;
}
