import { describe, expect, it } from '@jest/globals';
import { unpackArchive } from '@relais/actes';

import { classificationRequestArchive, handArchive, latin1Xml } from '../../test/archives.js';
import { archiveKind } from './archive.kind.js';
import { readClassificationDelivery } from './classification.read.js';
import { SimError, SimErrorCode } from './sim.errors.js';

const limits = { maxInflatedBytes: 1024 * 1024, maxEntries: 16 };
const NS = 'http://www.interieur.gouv.fr/ACTES#v1.1-20040216';

async function read(archive: { name: string; bytes: Buffer }) {
  return readClassificationDelivery(archive.name, await unpackArchive(archive.bytes, limits));
}

async function refusal(archive: { name: string; bytes: Buffer }): Promise<string> {
  try {
    await read(archive);
  } catch (error) {
    if (error instanceof SimError) return error.code;
    throw error;
  }
  throw new Error('expected a SimError, the request was read');
}

const request = (name: string, lines: readonly string[]) => ({ name, content: latin1Xml(lines) });

describe('readClassificationDelivery', () => {
  it('reads a 7-1 with and without the date of the classification held', async () => {
    const dated = await classificationRequestArchive(3, '2017-11-13');
    expect(archiveKind(await unpackArchive(dated.bytes, limits))).toBe('classification');
    expect(await read(dated)).toEqual({
      archiveName: 'RLS-EACT--491011698--20171229-3.tar.gz',
      siren: '491011698',
      departement: '034',
      messageName: '034-491011698----7-1_1.xml',
      dateClassification: '2017-11-13',
    });
    expect((await read(await classificationRequestArchive(4))).dateClassification).toBeUndefined();
  });

  it('refuses a DateClassification that is no date, or given twice', async () => {
    expect(await refusal(await classificationRequestArchive(3, '13/11/2017'))).toBe(SimErrorCode.InvalidClassificationRequest);
    const twice = request('034-491011698----7-1_1.xml', [
      `<actes:DemandeClassification xmlns:actes="${NS}">`,
      '<actes:DateClassification>2017-11-13</actes:DateClassification><actes:DateClassification>2017-11-14</actes:DateClassification>',
      '</actes:DemandeClassification>',
    ]);
    expect(await refusal(await handArchive(3, [twice]))).toBe(SimErrorCode.InvalidClassificationRequest);
  });

  it('refuses a request of another collectivité than the envelope, or with another root', async () => {
    const other = request('034-214502494----7-1_1.xml', [`<actes:DemandeClassification xmlns:actes="${NS}"/>`]);
    expect(await refusal(await handArchive(3, [other]))).toBe(SimErrorCode.InvalidClassificationRequest);
    const wrongRoot = request('034-491011698----7-1_1.xml', [`<actes:Annulation xmlns:actes="${NS}"/>`]);
    expect(await refusal(await handArchive(3, [wrongRoot]))).toBe(SimErrorCode.InvalidClassificationRequest);
  });

  it('refuses an archive holding more than the request', async () => {
    const message = request('034-491011698----7-1_1.xml', [`<actes:DemandeClassification xmlns:actes="${NS}"/>`]);
    const extra = { name: 'notes.pdf', content: Buffer.from('%PDF-1.4\n%%EOF\n') };
    expect(await refusal(await handArchive(3, [message, extra]))).toBe(SimErrorCode.InvalidClassificationRequest);
  });
});
