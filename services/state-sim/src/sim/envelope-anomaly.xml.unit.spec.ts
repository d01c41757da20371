import { describe, expect, it } from '@jest/globals';
import { actesSchemaErrors } from '@relais/testing';

import { buildEnvelopeAnomaly } from './envelope-anomaly.xml.js';
import type { ReceivedEnvelope } from './envelope.read.js';

const envelope: ReceivedEnvelope = {
  name: 'EACT--491011698--20171227-5.xml',
  siren: '491011698',
  departement: '034',
  arrondissement: '3',
  nature: '31',
  referent: { nom: 'Mme Dupré & fils', telephone: '0467000000', email: undefined },
  adressesRetour: ['actes@relais.example.org', 'copie@relais.example.org'],
  formulaires: ['034-491011698-20171207-CL20171227_06-DE-1-1_0.xml'],
};

describe('buildEnvelopeAnomaly', () => {
  it('answers ANO_ + the envelope name with an AnomalieEnveloppe echoing the envelope, valid against actesv1_1.xsd', async () => {
    const reply = buildEnvelopeAnomaly(envelope, '2017-12-28', { nature: '001', detail: 'Enveloppe refusée <test>' });
    expect(reply.kind).toBe('AnomalieEnveloppe');
    expect(reply.files).toHaveLength(1);
    const [file] = reply.files;
    expect(file.name).toBe('ANO_EACT--491011698--20171227-5.xml');
    expect(await actesSchemaErrors(file.name, file.content)).toEqual([]);
    const xml = file.content.toString('latin1');
    expect(xml).toContain('<actes:Date>2017-12-28</actes:Date>');
    expect(xml).toContain('<actes:Nature>001</actes:Nature>');
    expect(xml).toContain('<actes:Detail>Enveloppe refusée &lt;test&gt;</actes:Detail>');
    expect(xml).toContain('<actes:IDCL insee:SIREN="491011698" actes:Departement="034" actes:Arrondissement="3" actes:Nature="31"/>');
    expect(xml).toContain('<actes:Nom>Mme Dupré &amp; fils</actes:Nom>');
    expect(xml).toContain('<actes:Email>copie@relais.example.org</actes:Email>');
    expect(xml).toContain('<actes:NomFichier>034-491011698-20171207-CL20171227_06-DE-1-1_0.xml</actes:NomFichier>');
  });

  it('stays valid when the received IDCL lacked what the XSD requires', async () => {
    const reply = buildEnvelopeAnomaly({ ...envelope, arrondissement: undefined, nature: undefined, referent: undefined }, '2017-12-28', {
      nature: '100',
      detail: 'x',
    });
    expect(await actesSchemaErrors(reply.files[0].name, reply.files[0].content)).toEqual([]);
  });
});
