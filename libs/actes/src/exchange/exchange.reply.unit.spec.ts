import { describe, expect, it } from '@jest/globals';
import { actesSchemaErrors as schemaErrors } from '@relais/testing';

import { ActesArchiveError, ActesArchiveErrorCode } from '../archive/archive.errors.js';
import { NOM_ARCHIVE_REGEX, NOM_ENVELOPPE_REGEX, NOM_FICHIER_METIER_REGEX } from '../archive/archive.naming.js';
import { unpackArchive } from '../import/archive.unpack.js';
import { COLLECTIVITE_MESSAGE_ROOTS, REPLY_MESSAGE_CODES, type ReplyMessageCode, nomFichierReponse } from './exchange.naming.js';
import { type ReplyArchiveInput, type ReplyDocument, buildReplyArchive, replyXml } from './exchange.reply.js';

const id = '021-212102313-20261127-DELIB_1-DE';
const pdf = (text: string): ReplyDocument => ({ extension: 'pdf', content: Buffer.from(`%PDF-1.4 ${text} %%EOF`) });
const base: Omit<ReplyArchiveInput, 'code' | 'documents'> = {
  sequence: 14,
  dateEnvoi: '2026-12-03',
  collectivite: { siren: '212102313', departement: '021', arrondissement: '1', nature: '31' },
  adressesRetour: ['actes@relais.example.org'],
  idActe: id,
  dateCourrierPref: '2026-11-30',
};
/** The documents each answer carries in these tests: none for the ARs, two for 3-4, one otherwise. */
const documentsOf = (code: ReplyMessageCode): ReplyDocument[] =>
  code === '3-2' || code === '4-2' ? [] : code === '3-4' ? [pdf('piece 1'), { extension: 'png', content: Buffer.from('png') }] : [pdf(code)];

const unpack = (bytes: Buffer) => unpackArchive(bytes, { maxInflatedBytes: 1 << 20, maxEntries: 10 });

function refusal(build: () => unknown): ActesArchiveError {
  try {
    build();
  } catch (error) {
    if (error instanceof ActesArchiveError) return error;
    throw error;
  }
  throw new Error('expected an ActesArchiveError, nothing was thrown');
}

describe('nomFichierReponse', () => {
  it('names the message _0.xml and the documents _1, _2… after the acte, without a typology prefix', () => {
    expect(nomFichierReponse(id, '3-4', 0)).toBe('021-212102313-20261127-DELIB_1-DE-3-4_0.xml');
    expect(nomFichierReponse(id, '3-4', 2, 'pdf')).toBe('021-212102313-20261127-DELIB_1-DE-3-4_2.pdf');
    for (const code of REPLY_MESSAGE_CODES) expect(nomFichierReponse(id, code, 1, 'jpg')).toMatch(NOM_FICHIER_METIER_REGEX);
  });

  it('refuses a code that is not an answer, a bad IDActe, a negative index', () => {
    expect(refusal(() => nomFichierReponse(id, '6-1' as ReplyMessageCode, 0)).code).toBe(ActesArchiveErrorCode.InvalidMessageCode);
    expect(refusal(() => nomFichierReponse('021-212102313-DELIB_1-DE', '2-2', 0)).code).toBe(ActesArchiveErrorCode.InvalidIdActe);
    expect(refusal(() => nomFichierReponse(id, '2-2', -1)).code).toBe(ActesArchiveErrorCode.InvalidFileIndex);
  });
});

describe('replyXml', () => {
  it.each(REPLY_MESSAGE_CODES)('writes a %s valid against actesv1_1.xsd, naming the letter it answers', async (code) => {
    const documents = documentsOf(code).map((document, i) => nomFichierReponse(id, code, i + 1, document.extension));
    const bytes = replyXml({ code, idActe: id, dateCourrierPref: '2026-11-30', documents });
    expect(await schemaErrors(`reponse-${code}.xml`, bytes)).toEqual([]);
    const text = bytes.toString('latin1');
    expect(text).toContain(`<actes:${COLLECTIVITE_MESSAGE_ROOTS[code]} xmlns:actes="http://www.interieur.gouv.fr/ACTES#v1.1-20040216" actes:IDActe="${id}" actes:DateCourrierPref="2026-11-30"`);
    for (const name of documents) expect(text).toContain(`<actes:NomFichier>${name}</actes:NomFichier>`);
  });

  it('escapes a document name and refuses one ISO-8859-1 cannot carry', async () => {
    const bytes = replyXml({ code: '2-2', idActe: id, dateCourrierPref: '2026-11-30', documents: ['réponse <A&B>.pdf'] });
    expect(await schemaErrors('reponse.xml', bytes)).toEqual([]);
    expect(bytes.toString('latin1')).toContain('<actes:NomFichier>réponse &lt;A&amp;B&gt;.pdf</actes:NomFichier>');
    expect(refusal(() => replyXml({ code: '2-2', idActe: id, dateCourrierPref: '2026-11-30', documents: ['œuvre.pdf'] })).code).toBe(
      ActesArchiveErrorCode.NotLatin1,
    );
  });

  it('refuses a date of letter that does not exist', () => {
    const error = refusal(() => replyXml({ code: '3-2', idActe: id, dateCourrierPref: '2026-02-30', documents: [] }));
    expect([error.code, error.field]).toEqual([ActesArchiveErrorCode.InvalidDate, 'dateCourrierPref']);
  });
});

describe('buildReplyArchive', () => {
  it.each(REPLY_MESSAGE_CODES)('packs a %s: envelope, message, documents, all under their conventional names and XSD-valid', async (code) => {
    const documents = documentsOf(code);
    const archive = await buildReplyArchive({ ...base, code, documents });
    expect(archive.name).toBe('RLS-EACT--212102313--20261203-14.tar.gz');
    expect(archive.name).toMatch(NOM_ARCHIVE_REGEX);
    expect([archive.code, archive.idActe, archive.messageName]).toEqual([code, id, `${id}-${code}_0.xml`]);
    const entries = await unpack(archive.bytes);
    expect(entries.map((entry) => entry.name)).toEqual([
      'EACT--212102313--20261203-14.xml',
      `${id}-${code}_0.xml`,
      ...documents.map((document, i) => `${id}-${code}_${i + 1}.${document.extension}`),
    ]);
    const [envelope, message, ...files] = entries;
    expect(envelope!.name).toMatch(NOM_ENVELOPPE_REGEX);
    expect(await schemaErrors('enveloppe.xml', envelope!.content)).toEqual([]);
    expect(await schemaErrors('message.xml', message!.content)).toEqual([]);
    // The envelope lists the business message only, as for a 1-1 or a 6-1.
    expect(envelope!.content.toString('latin1').match(/<actes:NomFichier>[^<]*<\/actes:NomFichier>/g)).toEqual([
      `<actes:NomFichier>${id}-${code}_0.xml</actes:NomFichier>`,
    ]);
    expect(files.map((file) => file.content)).toEqual(documents.map((document) => Buffer.from(document.content)));
    expect(archive.files).toEqual(entries.map((entry) => ({ name: entry.name, size: entry.content.length })));
  });

  it('is deterministic: the same input gives the same bytes', async () => {
    const input: ReplyArchiveInput = { ...base, operatorTrigram: 'SLO', code: '3-4', documents: documentsOf('3-4') };
    const first = await buildReplyArchive(input);
    const second = await buildReplyArchive(structuredClone(input));
    expect(first.name).toBe('SLO-EACT--212102313--20261203-14.tar.gz');
    expect(second.bytes.equals(first.bytes)).toBe(true);
    expect(second.sha256).toBe(first.sha256);
    expect((await buildReplyArchive({ ...input, dateCourrierPref: '2026-11-29' })).sha256).not.toBe(first.sha256);
  });

  it.each([
    ['3-2', 1],
    ['4-2', 1],
    ['2-2', 0],
    ['2-2', 2],
    ['3-3', 0],
    ['4-3', 2],
    ['4-4', 0],
    ['3-4', 0],
  ] as const)('refuses a %s with %i document(s)', async (code, count) => {
    const documents = Array.from({ length: count }, (_, i) => pdf(String(i)));
    const error = await buildReplyArchive({ ...base, code, documents }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ActesArchiveError);
    expect([(error as ActesArchiveError).code, (error as ActesArchiveError).field]).toEqual([
      ActesArchiveErrorCode.InvalidDocumentCount,
      'documents',
    ]);
  });

  it("refuses an answer about another collectivité's acte, and a code that is not an answer", async () => {
    const other = await buildReplyArchive({ ...base, idActe: '021-212100000-20261127-DELIB_1-DE', code: '3-2', documents: [] }).catch(
      (caught: unknown) => caught,
    );
    expect((other as ActesArchiveError).code).toBe(ActesArchiveErrorCode.InvalidIdActe);
    const annulation = await buildReplyArchive({ ...base, code: '6-1' as ReplyMessageCode, documents: [] }).catch((caught: unknown) => caught);
    expect((annulation as ActesArchiveError).code).toBe(ActesArchiveErrorCode.InvalidMessageCode);
  });
});
