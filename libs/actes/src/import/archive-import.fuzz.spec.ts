import { beforeAll, describe, expect, it } from '@jest/globals';
import { fuzz, junkBytes, minimalPdf, mutatedBytes, refusedWithCode, xmlWithInjection } from '@relais/testing';
import fc from 'fast-check';
import { buffer } from 'node:stream/consumers';
import { gunzipSync, gzipSync } from 'node:zlib';
import { extract, pack } from 'tar-stream';

import { buildActeArchive } from '../archive/archive.build.js';
import { ActesImportErrorCode } from './archive-import.errors.js';
import { readActeArchive } from './archive.read.js';
import { isSafeEntryName, type UnpackLimits, unpackArchive } from './archive.unpack.js';

// Hostile archives at the gateway's edge (POST /api/v1/actes/archive): whatever the bytes, reading
// either gives the acte or refuses with an `ACTES.ARCHIVE_*` code, never another error, never a hang.

const CODES = Object.values(ActesImportErrorCode);
/** Small bounds, so that bombs and floods reach them within a few cases. */
const limits: UnpackLimits = { maxInflatedBytes: 256 * 1024, maxEntries: 32 };

interface Entry {
  readonly name: string;
  readonly content: Buffer;
}

let archiveName: string;
let valid: Buffer;
let validEntries: Entry[];

async function untarGz(bytes: Buffer): Promise<Entry[]> {
  const entries: Entry[] = [];
  const reader = extract();
  reader.on('entry', (header, stream, next) => {
    void buffer(stream).then((content) => {
      entries.push({ name: header.name, content });
      next();
    });
  });
  const finished = new Promise<void>((resolve, reject) => {
    reader.on('finish', resolve);
    reader.on('error', reject);
  });
  reader.end(gunzipSync(bytes));
  await finished;
  return entries;
}

/** The entries' names and types, as tar-stream reads them. */
async function headersOf(tgz: Buffer): Promise<{ name: string; type: string | null | undefined }[]> {
  const headers: { name: string; type: string | null | undefined }[] = [];
  const reader = extract();
  reader.on('entry', (header, stream, next) => {
    headers.push({ name: header.name, type: header.type });
    stream.on('end', next);
    stream.resume();
  });
  const finished = new Promise<void>((resolve, reject) => {
    reader.on('finish', resolve);
    reader.on('error', reject);
  });
  reader.end(gunzipSync(tgz));
  await finished;
  return headers;
}

type RawEntry =
  | { readonly kind: 'file'; readonly name: string; readonly content: Uint8Array }
  | { readonly kind: 'symlink' | 'link'; readonly name: string; readonly linkname: string }
  | { readonly kind: 'directory'; readonly name: string };

async function tarGz(entries: readonly RawEntry[]): Promise<Buffer> {
  const tar = pack();
  const packed = buffer(tar);
  for (const entry of entries) {
    if (entry.kind === 'file') tar.entry({ name: entry.name, type: 'file' }, Buffer.from(entry.content));
    else if (entry.kind === 'directory') tar.entry({ name: entry.name, type: 'directory' });
    else tar.entry({ name: entry.name, type: entry.kind, linkname: entry.linkname });
  }
  tar.finalize();
  return gzipSync(await packed);
}

const asRaw = (entries: readonly Entry[]): RawEntry[] => entries.map((e) => ({ kind: 'file', name: e.name, content: e.content }));

beforeAll(async () => {
  const archive = await buildActeArchive({
    operatorTrigram: 'RLS',
    sequence: 5,
    dateEnvoi: '2017-12-27',
    collectivite: { siren: '491011698', departement: '034', arrondissement: '3', nature: '31' },
    adressesRetour: ['actes@relais.example.org'],
    acte: {
      dateDecision: '2017-12-07',
      numeroInterne: 'CL20171227_06',
      nature: 1,
      classification: '7.1.2',
      objet: 'Budget primitif',
      classificationDateVersion: '2017-11-13',
      documentPapier: false,
      document: { extension: 'pdf', codeTypePJ: '99_DE', content: minimalPdf('délibération') },
      annexes: [{ extension: 'pdf', codeTypePJ: '22_AG', content: minimalPdf('annexe') }],
    },
  });
  archiveName = archive.name;
  valid = archive.bytes;
  validEntries = await untarGz(valid);
  // The sample itself reads: every refusal below comes from what the case changed.
  await readActeArchive(archiveName, valid, limits);
});

/** Reads the archive; the refusal's code, or `read`, and rethrows any uncoded error. */
async function outcome(body: Uint8Array, name: string | undefined = archiveName): Promise<string> {
  const result = await refusedWithCode(() => readActeArchive(name, body, limits), CODES);
  if (result.ok) {
    // What comes out is what the archive holds: safe names only.
    expect(isSafeEntryName(result.value.acte.document.name)).toBe(true);
    return 'read';
  }
  return result.code;
}

describe('reading a hostile @ctes archive (fuzzed)', () => {
  it('refuses random bytes with a code', async () => {
    await fuzz(
      'actes.readActeArchive: junk',
      fc.asyncProperty(fc.oneof(junkBytes(), junkBytes(64).map((tail) => Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0]), tail]))), async (body) => {
        expect(CODES).toContain(await outcome(body));
      }),
    );
  });

  it('reads or refuses with a code the valid archive damaged at the gzip level', async () => {
    await fuzz(
      'actes.readActeArchive: gzip mutations',
      fc.asyncProperty(mutatedBytes(valid), async (body) => {
        expect([...CODES, 'read']).toContain(await outcome(body));
      }),
    );
  });

  it('reads or refuses with a code the valid archive damaged inside its tar (headers, sizes, checksums)', async () => {
    await fuzz(
      'actes.readActeArchive: tar mutations',
      fc.asyncProperty(mutatedBytes(gunzipSync(valid)), async (tar) => {
        expect([...CODES, 'read']).toContain(await outcome(gzipSync(tar)));
      }),
    );
  });

  it('reads or refuses with a code an archive whose XML carries hostile fragments (DOCTYPE, entities, deep nesting)', async () => {
    const xmls = validEntries.filter((e) => e.name.endsWith('.xml'));
    const damaged = fc.oneof(
      ...xmls.map((target) => xmlWithInjection(target.content.toString('latin1')).map((xml) => ({ target, xml }))),
    );
    await fuzz(
      'actes.readActeArchive: hostile XML',
      fc.asyncProperty(damaged, async ({ target, xml }) => {
        const entries = validEntries.map((e) => (e === target ? { ...e, content: Buffer.from(xml, 'latin1') } : e));
        const code = await outcome(await tarGz(asRaw(entries)));
        expect([...CODES, 'read']).toContain(code);
        if (/<!DOCTYPE/i.test(xml)) expect(code).toBe(ActesImportErrorCode.XmlDoctype);
      }),
      { runs: 100 },
    );
  });

  it('refuses unsafe entries (traversal, absolute paths, links, directories, duplicates) before reading them', async () => {
    const names = fc.oneof(
      fc.constantFrom('../../etc/passwd', '/etc/passwd', '..', '.', '', 'a/b.xml', 'a\\b.xml', 'C:\\x', 'x\0.pdf', '....//x', 'ok.pdf'),
      fc.string({ maxLength: 300 }),
    );
    const hostile: fc.Arbitrary<RawEntry> = fc.oneof(
      fc.record({ kind: fc.constant('file' as const), name: names, content: fc.uint8Array({ maxLength: 64 }) }),
      fc.record({ kind: fc.constantFrom('symlink' as const, 'link' as const), name: names, linkname: fc.constantFrom('/etc/passwd', '../x', 'ok.pdf') }),
      fc.record({ kind: fc.constant('directory' as const), name: names }),
    );
    await fuzz(
      'actes.readActeArchive: hostile entries',
      fc.asyncProperty(fc.array(hostile, { minLength: 1, maxLength: 4 }), fc.nat(), async (extra, at) => {
        const entries = asRaw(validEntries);
        entries.splice(at % (entries.length + 1), 0, ...extra);
        const body = await tarGz(entries);
        const code = await outcome(body);
        const result = await refusedWithCode(() => unpackArchive(body, limits), CODES);
        if (result.ok) {
          for (const file of result.value) expect(isSafeEntryName(file.name)).toBe(true);
          expect(new Set(result.value.map((f) => f.name)).size).toBe(result.value.length);
        }
        // Judged on the headers as a tar reader sees them: a NUL ends a name (`x\0.pdf` is `x`).
        const headers = await headersOf(body);
        const bad =
          headers.some((h) => h.type !== 'file' || !isSafeEntryName(h.name)) || new Set(headers.map((h) => h.name)).size !== headers.length;
        if (bad) {
          expect(result.ok).toBe(false);
          expect(code).not.toBe('read');
        }
      }),
      { runs: 150 },
    );
  });

  it('stops inflating at the bound, whatever the compression ratio', async () => {
    await fuzz(
      'actes.unpackArchive: bombs within limits',
      fc.asyncProperty(fc.integer({ min: 1, max: 1024 * 1024 }), fc.integer({ min: 1, max: 40 }), async (size, count) => {
        const entries: RawEntry[] = Array.from({ length: count }, (_, i) => ({ kind: 'file', name: `f${i}.pdf`, content: new Uint8Array(Math.ceil(size / count)) }));
        const body = await tarGz(entries);
        const result = await refusedWithCode(() => unpackArchive(body, limits), CODES);
        if (!result.ok) {
          expect([ActesImportErrorCode.TooLarge, ActesImportErrorCode.TooManyEntries]).toContain(result.code);
        } else {
          expect(result.value).toHaveLength(count);
        }
      }),
      { runs: 60 },
    );
  });
});
