import { describe, expect, it } from '@jest/globals';
import { unpackArchive } from '@relais/actes';

import { type ReplyInput, handArchive, latin1Xml, replyArchive } from '../../test/archives.js';
import { archiveKind } from './archive.kind.js';
import { readReponseDelivery } from './reponse.read.js';
import { SimError, SimErrorCode } from './sim.errors.js';

const limits = { maxInflatedBytes: 1024 * 1024, maxEntries: 16 };
const idActe = '034-491011698-20171207-CL20171227_06-DE';
const input: ReplyInput = { code: '3-4', idActe, dateCourrierPref: '2018-01-15', sequence: 8 };

async function read(archive: { name: string; bytes: Buffer }) {
  return readReponseDelivery(archive.name, await unpackArchive(archive.bytes, limits));
}

async function refusal(archive: { name: string; bytes: Buffer }): Promise<string> {
  try {
    await read(archive);
  } catch (error) {
    if (error instanceof SimError) return error.code;
    throw error;
  }
  throw new Error('expected a SimError, the answer was read');
}

describe('readReponseDelivery', () => {
  it('reads a 3-4 PieceComplementaire: the letter it answers and its documents', async () => {
    const archive = await replyArchive(input);
    expect(archiveKind(await unpackArchive(archive.bytes, limits))).toBe('reply');
    expect(await read(archive)).toEqual({
      archiveName: 'RLS-EACT--491011698--20171229-8.tar.gz',
      siren: '491011698',
      departement: '034',
      code: '3-4',
      messageName: `${idActe}-3-4_0.xml`,
      letter: { idActe, dateCourrierPref: '2018-01-15' },
      documents: [`${idActe}-3-4_1.pdf`, `${idActe}-3-4_2.pdf`],
    });
  });

  it.each(['2-2', '3-2', '3-3', '4-2', '4-3', '4-4'])('reads a %s', async (code) => {
    const delivery = await read(await replyArchive({ ...input, code }));
    expect(delivery.code).toBe(code);
    expect(delivery.documents).toHaveLength(code === '3-2' || code === '4-2' ? 0 : 1);
  });

  it('refuses a message whose root is not the one of its code', async () => {
    expect(await refusal(await replyArchive({ ...input, root: 'RefusPieceComplementaire' }))).toBe(SimErrorCode.InvalidReply);
  });

  it('refuses a message whose IDActe is not the one of its name, or of another SIREN', async () => {
    expect(await refusal(await replyArchive({ ...input, attributeIdActe: '034-491011698-20171207-OTHER-DE' }))).toBe(SimErrorCode.InvalidReply);
    expect(await refusal(await replyArchive({ ...input, idActe: '034-214502494-20171207-N1-DE' }))).toBe(SimErrorCode.InvalidReply);
  });

  it('refuses a DateCourrierPref that is no date', async () => {
    expect(await refusal(await replyArchive({ ...input, dateCourrierPref: '2018-13-01' }))).toBe(SimErrorCode.InvalidReply);
  });

  it('refuses an answer whose documents are not in the archive', async () => {
    expect(await refusal(await replyArchive({ ...input, withoutDocuments: true }))).toBe(SimErrorCode.MissingFile);
  });

  it('refuses a message the envelope does not list, and an archive not named after its envelope', async () => {
    const good = await replyArchive(input);
    const [, ...files] = good.files;
    expect(await refusal(await handArchive(8, files, { listed: [`${idActe}-3-4_1.pdf`] }))).toBe(SimErrorCode.InvalidReply);
    expect(await refusal({ name: 'RLS-EACT--491011698--20171229-9.tar.gz', bytes: good.bytes })).toBe(SimErrorCode.EnvelopeNameMismatch);
  });

  it('refuses a message that is not well-formed', async () => {
    const broken = { name: `${idActe}-2-2_0.xml`, content: latin1Xml(['<actes:ReponseCourrierSimple']) };
    expect(await refusal(await handArchive(8, [broken]))).toBe(SimErrorCode.MalformedXml);
  });
});
