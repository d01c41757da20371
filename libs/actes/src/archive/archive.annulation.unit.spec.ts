import { describe, expect, it } from '@jest/globals';
import { actesSchemaErrors as schemaErrors } from '@relais/testing';
import { buffer } from 'node:stream/consumers';
import { gunzipSync } from 'node:zlib';
import { extract } from 'tar-stream';

import {
  type AnnulationArchiveInput,
  annulationXml,
  buildAnnulationArchive,
  nomFichierAnnulation,
} from './archive.annulation.js';
import { ActesArchiveError, ActesArchiveErrorCode } from './archive.errors.js';
import { NOM_ARCHIVE_REGEX, NOM_ENVELOPPE_REGEX, NOM_FICHIER_METIER_REGEX } from './archive.naming.js';

const id = '034-491011698-20171207-CL20171227_06-DE';
const input: AnnulationArchiveInput = {
  operatorTrigram: 'RLS',
  sequence: 9,
  dateEnvoi: '2018-01-15',
  collectivite: { siren: '491011698', departement: '034', arrondissement: '3', nature: '31' },
  adressesRetour: ['actes@relais.example.org'],
  idActe: id,
};

async function unpack(gzipped: Buffer): Promise<{ name: string; content: Buffer }[]> {
  const entries: { name: string; content: Buffer }[] = [];
  const tar = extract();
  tar.on('entry', (header, stream, next) => {
    void buffer(stream).then((content) => {
      entries.push({ name: header.name, content });
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

describe('annulationXml (6-1)', () => {
  it('writes an Annulation valid against actesv1_1.xsd, in ISO-8859-1', async () => {
    const bytes = annulationXml(id);
    expect(await schemaErrors('annulation.xml', bytes)).toEqual([]);
    const text = bytes.toString('latin1');
    expect(text.startsWith('<?xml version="1.0" encoding="ISO-8859-1"?>\n')).toBe(true);
    expect(text).toContain(`<actes:Annulation xmlns:actes="http://www.interieur.gouv.fr/ACTES#v1.1-20040216" actes:IDActe="${id}"/>`);
  });

  it('refuses something that is not an IDActe', () => {
    let caught: unknown;
    try {
      annulationXml('034-491011698-20171207-A"B-DE');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ActesArchiveError);
    expect((caught as ActesArchiveError).code).toBe(ActesArchiveErrorCode.InvalidIdActe);
  });

  it('names the message after the acte: IDActe-6-1_0.xml', () => {
    expect(nomFichierAnnulation(id)).toBe(`${id}-6-1_0.xml`);
    expect(nomFichierAnnulation(id)).toMatch(NOM_FICHIER_METIER_REGEX);
  });
});

describe('buildAnnulationArchive', () => {
  it('packs its own envelope and the message, both XSD-valid, under the conventional names', async () => {
    const archive = await buildAnnulationArchive(input);
    expect(archive.name).toBe('RLS-EACT--491011698--20180115-9.tar.gz');
    expect(archive.name).toMatch(NOM_ARCHIVE_REGEX);
    expect(archive.idActe).toBe(id);
    const entries = await unpack(archive.bytes);
    expect(entries.map((entry) => entry.name)).toEqual(['EACT--491011698--20180115-9.xml', `${id}-6-1_0.xml`]);
    expect(entries[0]!.name).toMatch(NOM_ENVELOPPE_REGEX);
    expect(await schemaErrors('enveloppe.xml', entries[0]!.content)).toEqual([]);
    expect(await schemaErrors('annulation.xml', entries[1]!.content)).toEqual([]);
    expect(entries[0]!.content.toString('latin1')).toContain(`<actes:NomFichier>${id}-6-1_0.xml</actes:NomFichier>`);
    expect(archive.files).toEqual(entries.map((entry) => ({ name: entry.name, size: entry.content.length })));
  });

  it('is deterministic: the same input gives the same bytes', async () => {
    const first = await buildAnnulationArchive(input);
    const second = await buildAnnulationArchive(structuredClone(input));
    expect(second.bytes.equals(first.bytes)).toBe(true);
    expect(second.sha256).toBe(first.sha256);
    expect((await buildAnnulationArchive({ ...input, sequence: 10 })).sha256).not.toBe(first.sha256);
  });
});
