import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { buffer } from 'node:stream/consumers';
import { gunzipSync } from 'node:zlib';
import { extract, type Header } from 'tar-stream';

import { acteXml } from './archive.acte-xml.js';
import { type ActeArchiveInput, buildActeArchive } from './archive.build.js';
import { enveloppeXml } from './archive.enveloppe-xml.js';
import { ActesArchiveError, ActesArchiveErrorCode } from './archive.errors.js';
import { NOM_ARCHIVE_REGEX, NOM_ENVELOPPE_REGEX, NOM_FICHIER_METIER_REGEX } from './archive.naming.js';

const pdf = Buffer.from('%PDF-1.7\n% délibération\n%%EOF\n', 'latin1');
const annexPdf = Buffer.from('%PDF-1.4\nannexe\n%%EOF\n', 'latin1');
const annexPng = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff]);

const input: ActeArchiveInput = {
  operatorTrigram: 'RLS',
  sequence: 5,
  dateEnvoi: '2017-12-27',
  collectivite: { siren: '491011698', departement: '034', arrondissement: '3', nature: '31' },
  adressesRetour: ['actes@relais.example.org'],
  acte: {
    dateDecision: '2017-12-07',
    numeroInterne: 'CL20171227_06',
    nature: 1,
    classification: '7.1',
    objet: 'Budget primitif : décision n°6',
    classificationDateVersion: '2017-11-13',
    documentPapier: false,
    document: { extension: 'pdf', codeTypePJ: '99_DE', content: pdf },
    annexes: [
      { extension: 'pdf', codeTypePJ: '99_AI', content: annexPdf },
      { extension: 'png', codeTypePJ: '41_NC', content: new Uint8Array(annexPng) },
    ],
  },
};

interface Unpacked {
  readonly header: Header;
  readonly content: Buffer;
}

async function unpack(gzipped: Buffer): Promise<Unpacked[]> {
  const entries: Unpacked[] = [];
  const tar = extract();
  tar.on('entry', (header, stream, next) => {
    void buffer(stream).then((content) => {
      entries.push({ header, content });
      next();
    });
  });
  const finished = new Promise<void>((resolve, reject) => {
    tar.on('finish', resolve);
    tar.on('error', reject);
  });
  tar.end(gunzipSync(gzipped));
  await finished;
  return entries;
}

const base = '034-491011698-20171207-CL20171227_06-DE-1-1';
const expectedNames = [
  'EACT--491011698--20171227-5.xml',
  `${base}_0.xml`,
  `99_DE-${base}_1.pdf`,
  `99_AI-${base}_2.pdf`,
  `41_NC-${base}_3.png`,
];

describe('buildActeArchive', () => {
  it('names the archive TRI-EACT--SIREN--YYYYMMDD-N.tar.gz and returns the IDActe', async () => {
    const archive = await buildActeArchive(input);
    expect(archive.name).toBe('RLS-EACT--491011698--20171227-5.tar.gz');
    expect(archive.name).toMatch(NOM_ARCHIVE_REGEX);
    expect(archive.idActe).toBe('034-491011698-20171207-CL20171227_06-DE');
  });

  it('unpacks to exactly the envelope, the message and the documents, in that order, with their bytes', async () => {
    const archive = await buildActeArchive(input);
    const entries = await unpack(archive.bytes);

    expect(entries.map((entry) => entry.header.name)).toEqual(expectedNames);
    expect(entries[0]!.header.name).toMatch(NOM_ENVELOPPE_REGEX);
    for (const entry of entries.slice(1)) expect(entry.header.name).toMatch(NOM_FICHIER_METIER_REGEX);

    const envelope = enveloppeXml({
      collectivite: input.collectivite,
      adressesRetour: input.adressesRetour,
      formulaires: [`${base}_0.xml`],
    });
    const message = acteXml({
      ...input.acte,
      nomDocument: `99_DE-${base}_1.pdf`,
      nomsAnnexes: [`99_AI-${base}_2.pdf`, `41_NC-${base}_3.png`],
    });
    expect(entries.map((entry) => entry.content)).toEqual([envelope, message, pdf, annexPdf, annexPng]);
    expect(archive.files).toEqual(entries.map((entry) => ({ name: entry.header.name, size: entry.content.length })));
  });

  it('lists the message in the envelope and the documents in the message', async () => {
    const entries = await unpack((await buildActeArchive(input)).bytes);
    const envelope = entries[0]!.content.toString('latin1');
    const message = entries[1]!.content.toString('latin1');
    expect(envelope).toContain(`<actes:Formulaire><actes:NomFichier>${base}_0.xml</actes:NomFichier></actes:Formulaire>`);
    expect(message).toContain(`<actes:Document><actes:NomFichier>99_DE-${base}_1.pdf</actes:NomFichier></actes:Document>`);
    expect(message).toContain('<actes:Annexes actes:Nombre="2">');
    expect(message).toContain(`<actes:Annexe><actes:NomFichier>41_NC-${base}_3.png</actes:NomFichier></actes:Annexe>`);
  });

  it('packs every entry with the same owner, mode and date', async () => {
    const entries = await unpack((await buildActeArchive(input)).bytes);
    for (const { header } of entries) {
      expect(header).toMatchObject({ type: 'file', mode: 0o644, uid: 0, gid: 0, uname: '', gname: '' });
      expect(header.mtime).toEqual(new Date('2017-12-27T00:00:00Z'));
    }
  });

  it('is deterministic: two builds give the same bytes, and the sha256 is that of the bytes', async () => {
    const first = await buildActeArchive(input);
    const second = await buildActeArchive(structuredClone(input));
    expect(second.sha256).toBe(first.sha256);
    expect(second.bytes.equals(first.bytes)).toBe(true);
    expect(first.sha256).toBe(createHash('sha256').update(first.bytes).digest('hex'));
    expect(first.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('writes a gzip header without a timestamp and with a fixed OS byte', async () => {
    const { bytes } = await buildActeArchive(input);
    expect([...bytes.subarray(0, 3)]).toEqual([0x1f, 0x8b, 0x08]);
    expect(bytes.readUInt32LE(4)).toBe(0);
    expect(bytes[9]).toBe(3);
  });

  it('changes the bytes when the content changes', async () => {
    const other = await buildActeArchive({ ...input, acte: { ...input.acte, objet: 'Budget primitif : décision n°7' } });
    expect(other.sha256).not.toBe((await buildActeArchive(input)).sha256);
  });

  it('packs an acte without annexes and names the archive with the default trigram', async () => {
    const archive = await buildActeArchive({
      ...input,
      operatorTrigram: undefined,
      acte: { ...input.acte, annexes: [], document: { extension: 'pdf', content: pdf } },
    });
    expect(archive.name).toBe('RLS-EACT--491011698--20171227-5.tar.gz');
    expect(archive.files.map((file) => file.name)).toEqual([expectedNames[0], `${base}_0.xml`, `${base}_1.pdf`]);
  });

  it('refuses, with its code, an Objet that Latin-1 cannot carry', async () => {
    const build = buildActeArchive({ ...input, acte: { ...input.acte, objet: 'Budget 2018 : 1 000 €' } });
    await expect(build).rejects.toBeInstanceOf(ActesArchiveError);
    await expect(build).rejects.toMatchObject({ code: ActesArchiveErrorCode.NotLatin1, field: 'objet' });
  });
});
