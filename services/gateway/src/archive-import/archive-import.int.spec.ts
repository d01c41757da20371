import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type ActeArchiveInput, buildActeArchive } from '@relais/actes';
import { PostgresBlobStore } from '@relais/blob-store';
import { pack } from 'tar-stream';
import { errorCodes, pdfBytes, startGateway, type TestGateway } from '../../test/gateway.js';

const MiB = 1024 * 1024;
let gw: TestGateway;
let siren: string;
let token: string;
let otherSiren: string;

beforeAll(async () => {
  // A small upload limit, so that the bounds it sets on the archive are reached quickly.
  gw = await startGateway({ settings: { maxUploadBytes: 16 * MiB } });
  siren = await gw.registerCollectivite();
  ({ token } = await gw.issueToken('collectivite', siren));
  otherSiren = await gw.registerCollectivite();
});

afterAll(async () => {
  await gw.close();
});

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

function acteInput(of: string, numeroInterne: string, sequence = 3): ActeArchiveInput {
  return {
    operatorTrigram: 'SLO',
    sequence,
    dateEnvoi: '2026-01-06',
    collectivite: { siren: of, departement: '021', arrondissement: '1', nature: '31' },
    adressesRetour: ['actes@collectivite.example.org'],
    acte: {
      dateDecision: '2026-01-05',
      numeroInterne,
      nature: 1,
      classification: '7.1',
      objet: 'Budget primitif : décision modificative n°2',
      classificationDateVersion: '2020-01-01',
      documentPapier: false,
      document: { extension: 'pdf', codeTypePJ: '99_DE', content: pdfBytes(`IMPORT-DOCUMENT-${numeroInterne}`) },
      annexes: [{ extension: 'pdf', codeTypePJ: '22_AG', content: pdfBytes(`IMPORT-ANNEXE-${numeroInterne}`) }],
    },
  };
}

function send(body: Uint8Array, headers: Record<string, string> = {}): Promise<Response> {
  return gw.call('/api/v1/actes/archive', {
    method: 'POST',
    token,
    body,
    headers: { 'content-type': 'application/gzip', ...headers },
  });
}

async function counts(): Promise<{ events: number; blobs: number }> {
  const { rows } = await gw.db.pool.query<{ events: number; blobs: number }>(
    'SELECT (SELECT count(*)::int FROM events) AS events, (SELECT count(*)::int FROM blobs) AS blobs',
  );
  return rows[0]!;
}

type RawEntry = { readonly name: string; readonly content?: Buffer; readonly type?: 'symlink' | 'link' };

async function rawTarGz(entries: readonly RawEntry[]): Promise<Buffer> {
  const tar = pack();
  const packed = buffer(tar);
  for (const entry of entries) {
    if (entry.type === undefined) tar.entry({ name: entry.name, type: 'file' }, entry.content ?? Buffer.alloc(0));
    else tar.entry({ name: entry.name, type: entry.type, linkname: '/etc/passwd' });
  }
  tar.finalize();
  return gzipSync(await packed);
}

/** 1 GiB of zeros behind one tar header, in about 1 MiB of concatenated gzip members. */
async function gzipBomb(): Promise<Buffer> {
  const tar = pack();
  const packed = buffer(tar);
  tar.entry({ name: 'big.pdf', type: 'file' }, Buffer.alloc(0));
  tar.finalize();
  const header = Buffer.from((await packed).subarray(0, 512));
  header.write(`${(1024 * MiB).toString(8).padStart(11, '0')}\0`, 124, 'ascii');
  header.write('        ', 148, 'ascii');
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  const zeros = gzipSync(Buffer.alloc(16 * MiB), { level: 9 });
  return Buffer.concat([gzipSync(header), ...Array.from({ length: 64 }, () => zeros)]);
}

const envelopeName = (of: string): string => `EACT--${of}--20260106-3.xml`;

describe('POST /api/v1/actes/archive', () => {
  it('answers 202 and records the same TransmissionReceived as a form, the files in the blob store', async () => {
    const input = acteInput(siren, 'IMPORT_1');
    const archive = await buildActeArchive(input);
    const response = await send(archive.bytes, { 'content-disposition': `attachment; filename="${archive.name}"` });
    expect(response.status).toBe(202);
    const { id, status } = (await response.json()) as { id: string; status: string };
    expect(status).toBe('received');
    // The objet is personal data: the log holds it sealed, the API shows it in clear.
    const { rows } = await gw.db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM events WHERE data::text LIKE '%modificative%'");
    expect(rows[0]?.n).toBe(0);

    const history = await gw.call(`/api/v1/transmissions/${id}/events`, { token });
    const { items } = (await history.json()) as { items: { type: string; data: { siren: string; submission: Record<string, unknown> } }[] };
    expect(items.map((item) => item.type)).toEqual(['TransmissionReceived']);
    expect(items[0]!.data.siren).toBe(siren);
    const document = input.acte.document.content;
    const annexe = input.acte.annexes[0]!.content;
    expect(items[0]!.data.submission).toEqual({
      kind: 'acte',
      numeroInterne: 'IMPORT_1',
      dateDecision: '2026-01-05',
      nature: 'DE',
      classification: '7.1',
      objet: 'Budget primitif : décision modificative n°2',
      documentPapier: false,
      typePJ: '99_DE',
      document: {
        sha256: sha256(document),
        size: document.byteLength,
        name: `99_DE-021-${siren}-20260105-IMPORT_1-DE-1-1_1.pdf`,
        mediaType: 'application/pdf',
      },
      annexes: [
        {
          file: { sha256: sha256(annexe), size: annexe.byteLength, name: `22_AG-021-${siren}-20260105-IMPORT_1-DE-1-1_2.pdf`, mediaType: 'application/pdf' },
          typePJ: '22_AG',
        },
      ],
    });
    const blobs = new PostgresBlobStore(gw.db.pool);
    for (const bytes of [document, annexe]) {
      const chunks: Buffer[] = [];
      for await (const chunk of await blobs.get(sha256(bytes))) chunks.push(chunk as Buffer);
      expect(Buffer.concat(chunks)).toEqual(Buffer.from(bytes));
    }
  });

  it('accepts an archive sent without its name, and replays the first answer under an Idempotency-Key', async () => {
    const archive = await buildActeArchive(acteInput(siren, 'IMPORT_2'));
    const first = await send(archive.bytes, { 'idempotency-key': 'import-key-1' });
    expect(first.status).toBe(202);
    const before = await counts();
    const again = await send(archive.bytes, { 'idempotency-key': 'import-key-1' });
    expect(again.status).toBe(202);
    expect(await again.json()).toEqual(await first.json());
    expect((await counts()).events).toBe(before.events);
  });

  it('refuses another collectivité’s archive (403) and a name that does not match it (422), recording nothing', async () => {
    const before = await counts();
    const foreign = await buildActeArchive(acteInput(otherSiren, 'IMPORT_3'));
    const refused = await send(foreign.bytes);
    expect(refused.status).toBe(403);
    expect(await errorCodes(refused)).toEqual(['ARCHIVE.SIREN_MISMATCH']);

    const archive = await buildActeArchive(acteInput(siren, 'IMPORT_4'));
    const badName = await send(archive.bytes, { 'content-disposition': 'attachment; filename="evil.tar.gz"' });
    expect(badName.status).toBe(422);
    expect(await errorCodes(badName)).toEqual(['ACTES.ARCHIVE_NAME_INVALID']);
    const otherName = await send(archive.bytes, { 'content-disposition': `attachment; filename="SLO-EACT--${siren}--20260106-9.tar.gz"` });
    expect(await errorCodes(otherName)).toEqual(['ACTES.ARCHIVE_ENVELOPE_NAME_MISMATCH']);

    const notGzip = await send(Buffer.from('plain text'), { 'content-type': 'text/plain' });
    expect(notGzip.status).toBe(415);
    expect(await errorCodes(notGzip)).toEqual(['REQUEST.UNSUPPORTED_MEDIA_TYPE']);
    expect(await counts()).toEqual(before);
  });

  it('refuses hostile archives with a 4xx and a code, storing and recording nothing, writing nothing to disk', async () => {
    const before = await counts();
    const rssBefore = process.memoryUsage().rss;
    const billionLaughs = [
      '<?xml version="1.0" encoding="ISO-8859-1"?>',
      '<!DOCTYPE lolz [<!ENTITY lol "lol">',
      ...Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`),
      ']><EnveloppeCLMISILL>&lol9;</EnveloppeCLMISILL>',
    ].join('\n');
    const xxe = [
      '<?xml version="1.0" encoding="ISO-8859-1"?>',
      '<!DOCTYPE e [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
      '<EnveloppeCLMISILL><Emetteur><IDCL SIREN="&xxe;" Departement="021"/></Emetteur></EnveloppeCLMISILL>',
    ].join('\n');
    const cases: [string, Buffer, number, string][] = [
      ['path traversal', await rawTarGz([{ name: '../x-relais-import-probe', content: Buffer.from('x') }]), 422, 'ACTES.ARCHIVE_UNSAFE_ENTRY_NAME'],
      ['absolute path', await rawTarGz([{ name: '/tmp/x-relais-import-probe', content: Buffer.from('x') }]), 422, 'ACTES.ARCHIVE_UNSAFE_ENTRY_NAME'],
      ['symlink', await rawTarGz([{ name: 'x-relais-import-probe', type: 'symlink' }]), 422, 'ACTES.ARCHIVE_UNSUPPORTED_ENTRY_TYPE'],
      ['hardlink', await rawTarGz([{ name: 'x-relais-import-probe', type: 'link' }]), 422, 'ACTES.ARCHIVE_UNSUPPORTED_ENTRY_TYPE'],
      ['gzip bomb', await gzipBomb(), 413, 'ACTES.ARCHIVE_TOO_LARGE'],
      [
        '10,000 tiny files',
        await rawTarGz(Array.from({ length: 10_000 }, (_, i) => ({ name: `f${i}.pdf`, content: Buffer.from('x') }))),
        422,
        'ACTES.ARCHIVE_TOO_MANY_ENTRIES',
      ],
      ['XML bomb', await rawTarGz([{ name: envelopeName(siren), content: Buffer.from(billionLaughs, 'latin1') }]), 422, 'ACTES.ARCHIVE_XML_DOCTYPE'],
      ['XXE', await rawTarGz([{ name: envelopeName(siren), content: Buffer.from(xxe, 'latin1') }]), 422, 'ACTES.ARCHIVE_XML_DOCTYPE'],
      ['not gzip', Buffer.from('not gzip at all'), 400, 'ACTES.ARCHIVE_NOT_GZIP'],
    ];
    for (const [what, body, status, code] of cases) {
      const response = await send(body);
      const text = await response.text();
      expect({ what, status: response.status, codes: (JSON.parse(text) as { errors: { code: string }[] }).errors.map((e) => e.code) }).toEqual({
        what,
        status,
        codes: [code],
      });
      expect(text).not.toMatch(/root:|nologin/);
    }
    expect(await counts()).toEqual(before);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(400 * MiB);
    expect(readdirSync(tmpdir()).filter((name) => name.includes('x-relais-import-probe'))).toEqual([]);
    expect(existsSync(resolve(process.cwd(), '..', 'x-relais-import-probe'))).toBe(false);
    expect(existsSync(resolve(process.cwd(), 'x-relais-import-probe'))).toBe(false);
  });
});
