import { type ActeArchiveInput, buildActeArchive } from '@relais/actes';
import { buffer } from 'node:stream/consumers';
import { gunzipSync, gzipSync } from 'node:zlib';
import { extract, pack } from 'tar-stream';

/** A 1-1 transmission as a collectivité of the Hérault would send it; override what a test needs. */
export function acteInput(overrides: { numeroInterne?: string; sequence?: number; objet?: string } = {}): ActeArchiveInput {
  return {
    operatorTrigram: 'RLS',
    sequence: overrides.sequence ?? 5,
    dateEnvoi: '2017-12-27',
    collectivite: { siren: '491011698', departement: '034', arrondissement: '3', nature: '31' },
    adressesRetour: ['actes@relais.example.org'],
    acte: {
      dateDecision: '2017-12-07',
      numeroInterne: overrides.numeroInterne ?? 'CL20171227_06',
      nature: 1,
      classification: '7.1.2',
      objet: overrides.objet ?? 'Budget primitif : décision n°6 <"A&B">',
      classificationDateVersion: '2017-11-13',
      documentPapier: false,
      document: { extension: 'pdf', codeTypePJ: '99_DE', content: Buffer.from('%PDF-1.7\n%%EOF\n') },
      annexes: [{ extension: 'pdf', codeTypePJ: '99_AI', content: Buffer.from('%PDF-1.4\nannexe\n%%EOF\n') }],
    },
  };
}

/** Builds a real archive with the workspace's own packer. */
export { buildActeArchive };

/** A tar.gz of arbitrary entries, to build archives the packer would never make. */
export async function rawTarGz(
  entries: readonly { readonly name: string; readonly content?: Buffer; readonly type?: 'file' | 'symlink' | 'directory' }[],
): Promise<Buffer> {
  const tar = pack();
  const packed = buffer(tar);
  for (const entry of entries) {
    const type = entry.type ?? 'file';
    if (type === 'file') tar.entry({ name: entry.name, type }, entry.content ?? Buffer.alloc(0));
    else if (type === 'symlink') tar.entry({ name: entry.name, type, linkname: '/etc/passwd' });
    else tar.entry({ name: entry.name, type });
  }
  tar.finalize();
  return gzipSync(await packed);
}

/** The entries of a tar.gz, in order. */
export async function untarGz(bytes: Buffer): Promise<{ name: string; content: Buffer }[]> {
  const entries: { name: string; content: Buffer }[] = [];
  const reader = extract();
  reader.on('entry', (header, stream, next) => {
    void buffer(stream).then((content) => {
      entries.push({ name: header.name, content });
      next();
    });
  });
  const finished = new Promise<void>((resolve, reject) => {
    reader.on('finish', () => {
      resolve();
    });
    reader.on('error', reject);
  });
  reader.end(gunzipSync(bytes));
  await finished;
  return entries;
}
