import { describe, expect, it } from '@jest/globals';
import { DEFAULT_ACTES_RULES } from '@relais/actes';
import { minimalPdf } from '@relais/testing';
import { replyFromUpload, type ReplyDocumentPart } from './reply-metadata.js';

const latin1 = (text: string): Buffer => Buffer.from(text, 'latin1');
const encryptedPdf = latin1('%PDF-1.4\n1 0 obj << >> endobj\ntrailer << /Root 1 0 R /Encrypt 2 0 R >>\nstartxref\n9\n%%EOF\n');
const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const xml = latin1('<?xml version="1.0" encoding="ISO-8859-1"?>\n<plan/>\n');

/** A stored part whose ends are its whole bytes (small files). */
function part(bytes: Uint8Array, name = 'reponse.pdf', mediaType = 'application/pdf'): ReplyDocumentPart {
  return { ref: { sha256: 'a'.repeat(64), size: bytes.length, name, mediaType }, head: bytes, tail: bytes };
}

const refusal = (metadata: unknown, parts: readonly ReplyDocumentPart[]): unknown => {
  const result = replyFromUpload(metadata, parts);
  return result.ok ? 'accepted' : result.errors.map(({ code, field }) => ({ code, field }));
};

describe('replyFromUpload', () => {
  it('takes each collectivité answer with its documents, recorded under the media type their bytes show', () => {
    const result = replyFromUpload({ code: '3-4' }, [part(minimalPdf('Plan de financement')), part(png, 'plan.png', 'application/octet-stream'), part(xml, 'plan.xml', 'text/plain')]);
    expect(result).toEqual({
      ok: true,
      code: '3-4',
      documents: [
        expect.objectContaining({ name: 'reponse.pdf', mediaType: 'application/pdf' }),
        expect.objectContaining({ name: 'plan.png', mediaType: 'image/png' }),
        expect.objectContaining({ name: 'plan.xml', mediaType: 'application/xml' }),
      ],
    });
    for (const code of ['2-2', '3-3', '4-3', '4-4']) expect(refusal({ code }, [part(minimalPdf('Réponse'))])).toBe('accepted');
  });

  it('refuses metadata that is not {code} with one of 2-2, 3-3, 3-4, 4-3, 4-4', () => {
    const doc = [part(minimalPdf('Réponse'))];
    expect(refusal([], doc)).toEqual([{ code: 'METADATA.INVALID', field: 'metadata' }]);
    expect(refusal({}, doc)).toEqual([{ code: 'METADATA.MISSING_FIELD', field: 'code' }]);
    for (const code of ['3-2', '4-2', '6-1', '2-1', 22, '']) expect(refusal({ code }, doc)).toEqual([{ code: 'REPLY.INVALID_CODE', field: 'code' }]);
  });

  it('refuses a wrong number of documents: none, or several where one is carried', () => {
    expect(refusal({ code: '3-4' }, [])).toEqual([{ code: 'REPLY.DOCUMENT_COUNT', field: 'documents' }]);
    expect(refusal({ code: '2-2' }, [])).toEqual([{ code: 'REPLY.DOCUMENT_COUNT', field: 'documents' }]);
    const two = [part(minimalPdf('un')), part(minimalPdf('deux'))];
    expect(refusal({ code: '4-4' }, two)).toEqual([{ code: 'REPLY.DOCUMENT_COUNT', field: 'documents' }]);
    expect(refusal({ code: '3-4' }, two)).toBe('accepted');
  });

  it('judges each document by its bytes, naming the one at fault', () => {
    const good = part(minimalPdf('Réponse'));
    const text = latin1('Ceci est une réponse, promise.\n'.repeat(50));
    const whole = minimalPdf('Réponse');
    const cases: [ReplyDocumentPart, string][] = [
      [part(text), 'REPLY.DOCUMENT_NOT_PDF'],
      [part(png, 'scan.png', 'application/pdf'), 'REPLY.DOCUMENT_NOT_PDF'],
      [part(text, 'reponse.txt', 'text/plain'), 'REPLY.DOCUMENT_FORMAT_INVALID'],
      [part(whole.subarray(0, whole.length - 20)), 'REPLY.DOCUMENT_TRUNCATED'],
      [part(encryptedPdf), 'REPLY.DOCUMENT_ENCRYPTED'],
      [part(new Uint8Array(0)), 'REPLY.DOCUMENT_EMPTY'],
    ];
    for (const [bad, code] of cases) {
      expect(refusal({ code: '3-4' }, [good, bad])).toEqual([{ code, field: 'documents[1]' }]);
    }
    expect(replyFromUpload({ code: '2-2' }, [part(encryptedPdf)], { ...DEFAULT_ACTES_RULES, allowEncryptedPdf: true }).ok).toBe(true);
  });

  it('lists every fault at once: the count and each document', () => {
    expect(refusal({ code: '2-2' }, [part(png, 'a.pdf'), part(minimalPdf('b'))])).toEqual([
      { code: 'REPLY.DOCUMENT_COUNT', field: 'documents' },
      { code: 'REPLY.DOCUMENT_NOT_PDF', field: 'documents[0]' },
    ]);
  });
});
