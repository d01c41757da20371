import { describe, expect, it } from '@jest/globals';

import { acteInput, buildActeArchive } from '../../test/archives.js';
import { actesSchemaErrors } from '@relais/testing';
import { type ActeDelivery, readActeDelivery } from './archive.read.js';
import { buildActeReply } from './reply.xml.js';

const context = { date: '2017-12-28', sequence: 42, classificationDateVersionEnCours: '2017-11-13' };

async function delivery(objet?: string): Promise<ActeDelivery> {
  const archive = await buildActeArchive(acteInput(objet === undefined ? {} : { objet }));
  return readActeDelivery(archive.name, archive.bytes, { maxInflatedBytes: 1024 * 1024, maxEntries: 16 });
}

describe('buildActeReply', () => {
  it('answers with an EnveloppeMISILLCL and a 1-2 ARActe, both valid against actesv1_1.xsd', async () => {
    const reply = buildActeReply(await delivery(), context);
    const [envelope, message] = reply.files;

    expect(reply.kind).toBe('ARActe');
    expect(envelope.name).toBe('EACT--PREF034-491011698-20171228-42.xml');
    expect(message.name).toBe('034-491011698-20171207-CL20171227_06-DE-1-2_0.xml');
    expect(await actesSchemaErrors(envelope.name, envelope.content)).toEqual([]);
    expect(await actesSchemaErrors(message.name, message.content)).toEqual([]);

    const xml = message.content.toString('latin1');
    expect(xml.startsWith('<?xml version="1.0" encoding="ISO-8859-1"?>')).toBe(true);
    expect(xml).toContain('actes:IDActe="034-491011698-20171207-CL20171227_06-DE"');
    expect(xml).toContain('actes:DateReception="2017-12-28"');
    expect(xml).toContain('<actes:Objet>Budget primitif : décision n°6 &lt;&quot;A&amp;B&quot;&gt;</actes:Objet>');
    expect(message.content.includes(Buffer.from('décision', 'latin1'))).toBe(true);
    expect(envelope.content.toString('latin1')).toContain(`<actes:NomFichier>${message.name}</actes:NomFichier>`);
    expect(envelope.content.toString('latin1')).toContain('insee:SIREN="491011698"');
  });

  it('answers with a 1-3 AnomalieActe valid against actesv1_1.xsd when an anomaly is given', async () => {
    const reply = buildActeReply(await delivery(), context, { nature: '001', detail: 'Classification inconnue & périmée' });
    const [envelope, message] = reply.files;

    expect(reply.kind).toBe('AnomalieActe');
    expect(message.name).toBe('034-491011698-20171207-CL20171227_06-DE-1-3_0.xml');
    expect(await actesSchemaErrors(envelope.name, envelope.content)).toEqual([]);
    expect(await actesSchemaErrors(message.name, message.content)).toEqual([]);
    const xml = message.content.toString('latin1');
    expect(xml).toContain('<actes:Nature>001</actes:Nature>');
    expect(xml).toContain('<actes:Detail>Classification inconnue &amp; périmée</actes:Detail>');
  });

  it('keeps characters Latin-1 cannot carry as character references', async () => {
    const base = await delivery();
    const reply = buildActeReply({ ...base, acte: { ...base.acte, objet: 'Prix en €' } }, context);
    const [, message] = reply.files;
    expect(message.content.toString('latin1')).toContain('<actes:Objet>Prix en &#8364;</actes:Objet>');
    expect(await actesSchemaErrors(message.name, message.content)).toEqual([]);
  });

  it('the schema check does fail on a broken message', async () => {
    const broken = Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?>\n<actes:ARActe xmlns:actes="http://www.interieur.gouv.fr/ACTES#v1.1-20040216"/>\n', 'latin1');
    expect((await actesSchemaErrors('broken.xml', broken)).length).toBeGreaterThan(0);
  });
});
