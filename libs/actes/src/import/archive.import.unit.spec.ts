import { describe, expect, it } from '@jest/globals';
import { minimalPdf } from '@relais/testing';
import { buffer } from 'node:stream/consumers';
import { gunzipSync, gzipSync } from 'node:zlib';
import { extract, pack } from 'tar-stream';

import { type ActeArchiveInput, buildActeArchive } from '../archive/archive.build.js';
import { ActesImportError, ActesImportErrorCode } from './archive-import.errors.js';
import { readActeArchive } from './archive.read.js';
import { type UnpackLimits, unpackArchive } from './archive.unpack.js';

const MiB = 1024 * 1024;
/** The bounds a gateway would use, scaled down so that a refusal shows them at work. */
const limits: UnpackLimits = { maxInflatedBytes: 64 * MiB, maxEntries: 128 };
/** Generous enough to catch a blow-up (a 1 GiB bomb inflated whole), not noise. */
const MEMORY_BOUND = 200 * MiB;

const NAME = 'RLS-EACT--491011698--20171227-5.tar.gz';
const ENVELOPE = 'EACT--491011698--20171227-5.xml';

function acteInput(): ActeArchiveInput {
  return {
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
      objet: 'Budget primitif : décision n°6 <"A&B"> à Béziers',
      classificationDateVersion: '2017-11-13',
      documentPapier: true,
      document: { extension: 'pdf', codeTypePJ: '99_DE', content: minimalPdf('délibération') },
      annexes: [
        { extension: 'pdf', codeTypePJ: '22_AG', content: minimalPdf('annexe 1') },
        { extension: 'pdf', content: minimalPdf('annexe 2') },
      ],
    },
  };
}

type RawEntry =
  | { readonly name: string; readonly content?: Buffer }
  | { readonly name: string; readonly type: 'symlink' | 'link'; readonly linkname: string }
  | { readonly name: string; readonly type: 'directory' };

/** A tar.gz of arbitrary entries, to build archives no packer of ours would make. */
async function rawTarGz(entries: readonly RawEntry[]): Promise<Buffer> {
  const tar = pack();
  const packed = buffer(tar);
  for (const entry of entries) {
    if (!('type' in entry)) tar.entry({ name: entry.name, type: 'file' }, entry.content ?? Buffer.alloc(0));
    else if (entry.type === 'directory') tar.entry({ name: entry.name, type: 'directory' });
    else tar.entry({ name: entry.name, type: entry.type, linkname: entry.linkname });
  }
  tar.finalize();
  return gzipSync(await packed);
}

async function untarGz(bytes: Buffer): Promise<{ name: string; content: Buffer }[]> {
  const entries: { name: string; content: Buffer }[] = [];
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

/** A ustar header for one regular file that claims `size` bytes. */
function tarHeader(name: string, size: number): Buffer {
  const header = Buffer.alloc(512);
  header.write(name, 0, 100, 'ascii');
  header.write('0000644\0', 100, 'ascii');
  header.write('0000000\0', 108, 'ascii');
  header.write('0000000\0', 116, 'ascii');
  header.write(`${size.toString(8).padStart(11, '0')}\0`, 124, 'ascii');
  header.write('00000000000\0', 136, 'ascii');
  header.write('        ', 148, 'ascii');
  header.write('0', 156, 'ascii');
  header.write('ustar\0', 257, 'ascii');
  header.write('00', 263, 'ascii');
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return header;
}

/**
 * 1 GiB of zeros in a tar entry, gzip'd to about 1 MiB: one gzip member for the header, then 64
 * identical members of 16 MiB of zeros (gunzip reads concatenated members as one stream).
 */
function gzipBomb(): { readonly body: Buffer; readonly inflatesTo: number } {
  const zeros = gzipSync(Buffer.alloc(16 * MiB), { level: 9 });
  const inflatesTo = 64 * 16 * MiB;
  return { body: Buffer.concat([gzipSync(tarHeader('big.pdf', inflatesTo)), ...Array.from({ length: 64 }, () => zeros)]), inflatesTo };
}

/** The refusal of `run`, with the growth of the process's resident memory while it ran. */
async function refusal(run: () => Promise<unknown>): Promise<{ error: ActesImportError; rssGrowth: number }> {
  const before = process.memoryUsage().rss;
  try {
    await run();
  } catch (error) {
    if (error instanceof ActesImportError) return { error, rssGrowth: process.memoryUsage().rss - before };
    throw error;
  }
  throw new Error('expected an ActesImportError, the archive was read');
}

const read = (body: Buffer, name: string | undefined = NAME) => () => readActeArchive(name, body, limits);

const BILLION_LAUGHS = [
  '<?xml version="1.0" encoding="ISO-8859-1"?>',
  '<!DOCTYPE lolz [',
  ' <!ENTITY lol "lol">',
  ...Array.from({ length: 9 }, (_, i) => ` <!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`),
  ']>',
  '<actes:EnveloppeCLMISILL xmlns:actes="http://www.interieur.gouv.fr/ACTES#v1.1-20040216"><actes:Emetteur>&lol9;</actes:Emetteur></actes:EnveloppeCLMISILL>',
].join('\n');

const xxe = (root: string): string =>
  [
    '<?xml version="1.0" encoding="ISO-8859-1"?>',
    `<!DOCTYPE ${root} [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>`,
    `<actes:${root} xmlns:actes="http://www.interieur.gouv.fr/ACTES#v1.1-20040216" xmlns:insee="http://xml.insee.fr/schema">`,
    '<actes:Emetteur><actes:IDCL insee:SIREN="&xxe;" actes:Departement="034"/></actes:Emetteur>',
    `<actes:Objet>&xxe;</actes:Objet></actes:${root}>`,
  ].join('\n');

describe('readActeArchive', () => {
  it('reads back an archive of the platform’s own packer: envelope facts, the acte, its files and piece types', async () => {
    const input = acteInput();
    const archive = await buildActeArchive(input);
    const read = await readActeArchive(archive.name, archive.bytes, limits);
    expect(read).toEqual({
      archiveName: NAME,
      envelopeName: ENVELOPE,
      messageName: '034-491011698-20171207-CL20171227_06-DE-1-1_0.xml',
      siren: '491011698',
      departement: '034',
      adressesRetour: ['actes@relais.example.org'],
      idActe: archive.idActe,
      acte: {
        dateDecision: '2017-12-07',
        numeroInterne: 'CL20171227_06',
        codeNatureActe: '1',
        nature: 1,
        codesMatiere: ['7', '1', '2'],
        classification: '7.1.2',
        objet: 'Budget primitif : décision n°6 <"A&B"> à Béziers',
        precedentIdActe: undefined,
        classificationDateVersion: '2017-11-13',
        documentPapier: 'O',
        document: { name: '99_DE-034-491011698-20171207-CL20171227_06-DE-1-1_1.pdf', content: expect.any(Buffer), typePJ: '99_DE' },
        annexes: [
          { name: '22_AG-034-491011698-20171207-CL20171227_06-DE-1-1_2.pdf', content: expect.any(Buffer), typePJ: '22_AG' },
          { name: '034-491011698-20171207-CL20171227_06-DE-1-1_3.pdf', content: expect.any(Buffer), typePJ: undefined },
        ],
      },
    });
    expect(read.acte.document.content.equals(Buffer.from(input.acte.document.content))).toBe(true);
    expect(read.acte.annexes.map((annexe) => annexe.content.toString('latin1'))).toEqual(
      input.acte.annexes.map((annexe) => Buffer.from(annexe.content).toString('latin1')),
    );
  });

  it('reads an archive received without its name, checking the envelope’s own name only', async () => {
    const archive = await buildActeArchive(acteInput());
    const read = await readActeArchive(undefined, archive.bytes, limits);
    expect(read.archiveName).toBeUndefined();
    expect(read.envelopeName).toBe(ENVELOPE);
  });

  it('refuses a name that is not TRI-EACT--SIREN--YYYYMMDD-N.tar.gz, and an envelope of another name', async () => {
    const archive = await buildActeArchive(acteInput());
    expect((await refusal(read(archive.bytes, '../evil.tar.gz'))).error.code).toBe(ActesImportErrorCode.ArchiveNameInvalid);
    expect((await refusal(read(archive.bytes, 'RLS-EACT--491011698--20171227-6.tar.gz'))).error.code).toBe(
      ActesImportErrorCode.EnvelopeNameMismatch,
    );
  });

  it('refuses what is not gzip, and gzip that is not a tar', async () => {
    expect((await refusal(read(Buffer.from('not gzip')))).error.code).toBe(ActesImportErrorCode.NotGzip);
    expect((await refusal(read(gzipSync(Buffer.alloc(1024, 7))))).error.code).toBe(ActesImportErrorCode.NotTar);
  });

  it('refuses path traversal and an absolute path, before anything is read or written', async () => {
    for (const name of ['../x', '../../etc/cron.d/evil', '/etc/passwd', 'dir/evil.xml', '..']) {
      const { error } = await refusal(read(await rawTarGz([{ name, content: Buffer.from('x') }])));
      expect(error.code).toBe(ActesImportErrorCode.UnsafeEntryName);
      expect(error.progress?.entries).toBe(1);
    }
  });

  it('refuses a symlink, a hardlink and a directory', async () => {
    const symlink = await rawTarGz([{ name: 'link.pdf', type: 'symlink', linkname: '/etc/passwd' }]);
    expect((await refusal(read(symlink))).error.code).toBe(ActesImportErrorCode.UnsupportedEntryType);
    const hardlink = await rawTarGz([
      { name: 'a.pdf', content: Buffer.from('%PDF') },
      { name: 'b.pdf', type: 'link', linkname: '/etc/passwd' },
    ]);
    expect((await refusal(read(hardlink))).error.code).toBe(ActesImportErrorCode.UnsupportedEntryType);
    expect((await refusal(read(await rawTarGz([{ name: 'folder', type: 'directory' }])))).error.code).toBe(
      ActesImportErrorCode.UnsupportedEntryType,
    );
  });

  it('refuses a repeated entry', async () => {
    const twice = await rawTarGz([{ name: 'a.pdf' }, { name: 'a.pdf' }]);
    expect((await refusal(read(twice))).error.code).toBe(ActesImportErrorCode.DuplicateEntry);
  });

  it('refuses a gzip bomb (1 GiB of zeros in about 1 MiB) at the inflated-bytes bound, without inflating it', async () => {
    const bomb = gzipBomb();
    expect(bomb.body.length).toBeLessThan(2 * MiB);
    const { error, rssGrowth } = await refusal(read(bomb.body));
    expect(error.code).toBe(ActesImportErrorCode.TooLarge);
    // What makes it quick: inflating stopped at the bound (plus at most one zlib chunk), not at 1 GiB.
    expect(error.progress?.inflatedBytes).toBeGreaterThan(limits.maxInflatedBytes);
    expect(error.progress?.inflatedBytes).toBeLessThanOrEqual(limits.maxInflatedBytes + 64 * 1024);
    expect(error.progress?.inflatedBytes).toBeLessThan(bomb.inflatesTo / 10);
    expect(rssGrowth).toBeLessThan(MEMORY_BOUND);
  });

  it('refuses 10,000 tiny files at the entry bound', async () => {
    const many = await rawTarGz(Array.from({ length: 10_000 }, (_, i) => ({ name: `f${i}.pdf`, content: Buffer.from('x') })));
    const { error, rssGrowth } = await refusal(read(many));
    expect(error.code).toBe(ActesImportErrorCode.TooManyEntries);
    // What makes it quick: reading stopped one entry past the bound.
    expect(error.progress?.entries).toBe(limits.maxEntries + 1);
    expect(rssGrowth).toBeLessThan(MEMORY_BOUND);
  });

  it('refuses an XML bomb (billion laughs) by its DOCTYPE, expanding nothing', async () => {
    const { error, rssGrowth } = await refusal(read(await rawTarGz([{ name: ENVELOPE, content: Buffer.from(BILLION_LAUGHS, 'latin1') }])));
    expect(error.code).toBe(ActesImportErrorCode.XmlDoctype);
    expect(error.message).not.toContain('lollol');
    expect(rssGrowth).toBeLessThan(MEMORY_BOUND);
  });

  it('refuses an external entity pointing at /etc/passwd, in the envelope or in the acte, never reading the file', async () => {
    const inEnvelope = await refusal(read(await rawTarGz([{ name: ENVELOPE, content: Buffer.from(xxe('EnveloppeCLMISILL'), 'latin1') }])));
    expect(inEnvelope.error.code).toBe(ActesImportErrorCode.XmlDoctype);

    const archive = await buildActeArchive(acteInput());
    const entries = (await untarGz(archive.bytes)).map((entry) =>
      entry.name.endsWith('-1-1_0.xml') ? { name: entry.name, content: Buffer.from(xxe('Acte'), 'latin1') } : entry,
    );
    const inActe = await refusal(read(await rawTarGz(entries)));
    expect(inActe.error.code).toBe(ActesImportErrorCode.XmlDoctype);
    for (const { error } of [inEnvelope, inActe]) {
      expect(error.message).not.toMatch(/root:|nologin|\/bin\/(ba)?sh/);
      expect(JSON.stringify(error)).not.toMatch(/root:|nologin/);
    }
  });

  it('refuses an archive without its envelope, or with a file the envelope or the acte names missing', async () => {
    expect((await refusal(read(await rawTarGz([{ name: 'a.pdf', content: Buffer.from('x') }])))).error.code).toBe(
      ActesImportErrorCode.MissingEnvelope,
    );
    const archive = await buildActeArchive(acteInput());
    const entries = await untarGz(archive.bytes);
    const withoutAnnexe = entries.filter((entry) => !entry.name.endsWith('_2.pdf'));
    expect((await refusal(read(await rawTarGz(withoutAnnexe)))).error.code).toBe(ActesImportErrorCode.MissingFile);
    const withoutMessage = entries.filter((entry) => !entry.name.endsWith('_0.xml'));
    expect((await refusal(read(await rawTarGz(withoutMessage)))).error.code).toBe(ActesImportErrorCode.MissingFile);
  });
});

describe('unpackArchive', () => {
  it('returns the regular files in order, and refuses more bytes than allowed even when the tar is honest', async () => {
    const files = await unpackArchive(await rawTarGz([{ name: 'a.pdf', content: Buffer.from('A') }, { name: 'b.xml', content: Buffer.from('B') }]), limits);
    expect(files.map((entry) => [entry.name, entry.content.toString()])).toEqual([
      ['a.pdf', 'A'],
      ['b.xml', 'B'],
    ]);
    const big = await rawTarGz([{ name: 'big.pdf', content: Buffer.alloc(2 * MiB) }]);
    await expect(unpackArchive(big, { maxInflatedBytes: MiB, maxEntries: 4 })).rejects.toMatchObject({ code: ActesImportErrorCode.TooLarge });
  });
});
