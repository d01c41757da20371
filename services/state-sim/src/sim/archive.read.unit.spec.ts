import { describe, expect, it } from '@jest/globals';
import { gzipSync } from 'node:zlib';

import { acteInput, buildActeArchive, rawTarGz, untarGz } from '../../test/archives.js';
import { readActeDelivery } from './archive.read.js';
import { SimError, SimErrorCode } from './sim.errors.js';

const limits = { maxInflatedBytes: 1024 * 1024, maxEntries: 16 };

async function refusal(archiveName: string, body: Buffer): Promise<SimErrorCode> {
  try {
    await readActeDelivery(archiveName, body, limits);
  } catch (error) {
    if (error instanceof SimError) return error.code;
    throw error;
  }
  throw new Error('expected a SimError, the delivery was read');
}

const NAME = 'RLS-EACT--491011698--20171227-5.tar.gz';
const ENVELOPE = 'EACT--491011698--20171227-5.xml';

describe('readActeDelivery', () => {
  it('reads the envelope and the acte of a real archive', async () => {
    const archive = await buildActeArchive(acteInput());
    const delivery = await readActeDelivery(archive.name, archive.bytes, limits);
    expect(delivery).toEqual({
      archiveName: NAME,
      siren: '491011698',
      departement: '034',
      adressesRetour: ['actes@relais.example.org'],
      idActe: '034-491011698-20171207-CL20171227_06-DE',
      acte: {
        date: '2017-12-07',
        numeroInterne: 'CL20171227_06',
        codeNatureActe: '1',
        codesMatiere: ['7', '1', '2'],
        objet: 'Budget primitif : décision n°6 <"A&B">',
        precedentIdActe: undefined,
        classificationDateVersion: '2017-11-13',
        document: '99_DE-034-491011698-20171207-CL20171227_06-DE-1-1_1.pdf',
        annexes: ['99_AI-034-491011698-20171207-CL20171227_06-DE-1-1_2.pdf'],
        documentPapier: 'N',
      },
    });
  });

  it('refuses a name that is not TRI-EACT--SIREN--YYYYMMDD-N.tar.gz', async () => {
    const archive = await buildActeArchive(acteInput());
    expect(await refusal('../evil.tar.gz', archive.bytes)).toBe(SimErrorCode.InvalidArchiveName);
  });

  it('refuses what is not gzip, and gzip that is not a tar', async () => {
    expect(await refusal(NAME, Buffer.from('not gzip'))).toBe(SimErrorCode.NotGzip);
    expect(await refusal(NAME, gzipSync(Buffer.alloc(1024, 7)))).toBe(SimErrorCode.NotTar);
  });

  it('refuses path traversal, directories and links before reading anything else', async () => {
    expect(await refusal(NAME, await rawTarGz([{ name: '../evil', content: Buffer.from('x') }]))).toBe(
      SimErrorCode.UnsafeEntryName,
    );
    expect(await refusal(NAME, await rawTarGz([{ name: 'dir/evil.xml', content: Buffer.from('x') }]))).toBe(
      SimErrorCode.UnsafeEntryName,
    );
    expect(await refusal(NAME, await rawTarGz([{ name: 'link', type: 'symlink' }]))).toBe(SimErrorCode.UnsupportedEntryType);
    expect(await refusal(NAME, await rawTarGz([{ name: 'folder', type: 'directory' }]))).toBe(
      SimErrorCode.UnsupportedEntryType,
    );
  });

  it('refuses too many entries and too many inflated bytes', async () => {
    const many = Array.from({ length: 17 }, (_, i) => ({ name: `f${i}.pdf` }));
    expect(await refusal(NAME, await rawTarGz(many))).toBe(SimErrorCode.TooManyEntries);
    const bomb = await rawTarGz([{ name: 'big.pdf', content: Buffer.alloc(2 * 1024 * 1024) }]);
    expect(await refusal(NAME, bomb)).toBe(SimErrorCode.ArchiveTooLarge);
  });

  it('refuses an archive without its envelope, or with a file the envelope names missing', async () => {
    expect(await refusal(NAME, await rawTarGz([{ name: 'a.pdf', content: Buffer.from('x') }]))).toBe(
      SimErrorCode.MissingEnvelope,
    );
    const archive = await buildActeArchive(acteInput());
    const entries = await untarGz(archive.bytes);
    const withoutAnnexe = entries.filter((entry) => !entry.name.endsWith('_2.pdf'));
    expect(await refusal(NAME, await rawTarGz(withoutAnnexe))).toBe(SimErrorCode.MissingFile);
    const withoutMessage = entries.filter((entry) => !entry.name.endsWith('_0.xml'));
    expect(await refusal(NAME, await rawTarGz(withoutMessage))).toBe(SimErrorCode.MissingFile);
  });

  it('refuses an envelope that does not match the archive name', async () => {
    const archive = await buildActeArchive(acteInput());
    expect(await refusal('RLS-EACT--491011698--20171227-6.tar.gz', archive.bytes)).toBe(SimErrorCode.EnvelopeNameMismatch);
  });

  it('refuses a DOCTYPE and XML that is not well-formed', async () => {
    const doctype = Buffer.from('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>', 'latin1');
    expect(await refusal(NAME, await rawTarGz([{ name: ENVELOPE, content: doctype }]))).toBe(SimErrorCode.MalformedXml);
    const broken = Buffer.from('<?xml version="1.0"?><actes:EnveloppeCLMISILL><oops></actes:EnveloppeCLMISILL>', 'latin1');
    expect(await refusal(NAME, await rawTarGz([{ name: ENVELOPE, content: broken }]))).toBe(SimErrorCode.MalformedXml);
  });
});
