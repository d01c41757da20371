import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PostgresBlobStore } from '@relais/blob-store';
import { acteForm, acteMetadata, errorCodes, pdfBytes, startGateway, type TestGateway } from '../../test/gateway.js';

let gw: TestGateway;
let siren: string;
let token: string;

beforeAll(async () => {
  gw = await startGateway();
  siren = await gw.registerCollectivite();
  ({ token } = await gw.issueToken('collectivite', siren));
});

afterAll(async () => {
  await gw.close();
});

function submit(body: RequestInit['body'], headers: Record<string, string> = {}): Promise<Response> {
  return gw.call('/api/v1/actes', { method: 'POST', token, body, headers });
}

async function streamEvents(id: string): Promise<{ type: string; data: Record<string, unknown> }[]> {
  const { rows } = await gw.db.pool.query<{ type: string; data: Record<string, unknown> }>(
    'SELECT type, data FROM events WHERE stream_id = $1 ORDER BY stream_version',
    [`transmission-${id}`],
  );
  return rows;
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

describe('POST /api/v1/actes', () => {
  it('answers 202 {id, status: received} and records TransmissionReceived with the files’ sha256 and size, never their bytes', async () => {
    const document = pdfBytes('UNIQUE-MARKER-DOCUMENT');
    const annexe = pdfBytes('UNIQUE-MARKER-ANNEXE');
    const response = await submit(acteForm(acteMetadata({ nature: 1, annexesTypePJ: ['22_AG'] }), document, [annexe]));
    expect(response.status).toBe(202);
    const { id, status } = (await response.json()) as { id: string; status: string };
    expect(status).toBe('received');

    const events = await streamEvents(id);
    expect(events).toHaveLength(1);
    const stored = JSON.stringify(events[0]!.data);
    expect(events[0]!.type).toMatch(/TransmissionReceived$/);
    expect(stored).toContain(sha256(document));
    expect(stored).toContain(sha256(annexe));
    expect(stored).not.toContain('UNIQUE-MARKER');

    const history = await gw.call(`/api/v1/transmissions/${id}/events`, { token });
    const { items } = (await history.json()) as { items: { type: string; data: { siren: string; submission: Record<string, unknown> } }[] };
    expect(items[0]!.type).toBe('TransmissionReceived');
    expect(items[0]!.data.siren).toBe(siren);
    expect(items[0]!.data.submission).toEqual({
      kind: 'acte',
      numeroInterne: 'DEL2026_001',
      dateDecision: '2026-01-05',
      nature: 'DE',
      classification: '7.1',
      objet: 'Budget primitif',
      documentPapier: false,
      document: { sha256: sha256(document), size: document.byteLength, name: 'deliberation.pdf', mediaType: 'application/pdf' },
      annexes: [{ file: { sha256: sha256(annexe), size: annexe.byteLength, name: 'annexe-1.pdf', mediaType: 'application/pdf' }, typePJ: '22_AG' }],
    });

    const blobs = new PostgresBlobStore(gw.db.pool);
    const chunks: Buffer[] = [];
    for await (const chunk of await blobs.get(sha256(document))) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks)).toEqual(Buffer.from(document));
  });

  it('takes the detached signatures that come with the document and the annexes, each tied to the file it signs', async () => {
    const form = acteForm(acteMetadata({ numeroInterne: 'SIGNED_1' }), pdfBytes('signed'), [pdfBytes('annexe signée')]);
    const documentSignature = Buffer.from('0\x82 signature of the document', 'latin1');
    const annexeSignature = Buffer.from('0\x82 signature of the annexe', 'latin1');
    form.append('documentSignature', new Blob([documentSignature]), 'deliberation.pdf.p7s');
    form.append('annexesSignatures', new Blob([annexeSignature]), 'annexe-1.pdf.p7s');
    const response = await submit(form);
    expect(response.status).toBe(202);
    const { id } = (await response.json()) as { id: string };
    const history = await gw.call(`/api/v1/transmissions/${id}/events`, { token });
    const { items } = (await history.json()) as { items: { data: { submission: { document: unknown; annexes: { file: unknown }[] } } }[] };
    const { submission } = items[0]!.data;
    expect(submission.document).toEqual(
      expect.objectContaining({ signature: expect.objectContaining({ sha256: sha256(documentSignature), name: 'deliberation.pdf.p7s' }) }),
    );
    expect(submission.annexes[0]!.file).toEqual(
      expect.objectContaining({ name: 'annexe-1.pdf', signature: expect.objectContaining({ sha256: sha256(annexeSignature), name: 'annexe-1.pdf.p7s' }) }),
    );
  });

  it('refuses with 422 a signature named after no annexe of the request, recording nothing', async () => {
    const form = acteForm(acteMetadata({ numeroInterne: 'SIGNED_2' }), pdfBytes('signed'), [pdfBytes('annexe')]);
    form.append('annexesSignatures', new Blob([Buffer.from('sig')]), 'other.pdf.p7s');
    const response = await submit(form);
    expect(response.status).toBe(422);
    expect(await errorCodes(response)).toEqual(['REQUEST.SIGNATURE_UNMATCHED']);
  });

  it('makes the transmission readable right after the 202, before any projector ran', async () => {
    const response = await submit(acteForm(acteMetadata({ numeroInterne: 'FRESH_1' })));
    const { id } = (await response.json()) as { id: string };
    const read = await gw.call(`/api/v1/transmissions/${id}`, { token });
    expect(read.status).toBe(200);
    expect(await read.json()).toEqual(
      expect.objectContaining({ id, kind: 'acte', siren, status: 'received', errors: [], acte: expect.objectContaining({ numeroInterne: 'FRESH_1' }) }),
    );
  });

  it('reads the metadata part after the files as well as before them', async () => {
    const form = new FormData();
    form.append('document', new Blob([pdfBytes('late metadata')], { type: 'application/pdf' }), 'doc.pdf');
    form.append('annexes', new Blob([pdfBytes('a1')], { type: 'application/pdf' }), 'a1.pdf');
    form.append('annexes', new Blob([pdfBytes('a2')], { type: 'application/pdf' }), 'a2.pdf');
    form.append('metadata', new Blob([JSON.stringify(acteMetadata({ numeroInterne: 'LATE_1', nature: 'AR' }))], { type: 'application/json' }), 'metadata.json');
    const response = await submit(form);
    expect(response.status).toBe(202);
    const { id } = (await response.json()) as { id: string };
    const [received] = await streamEvents(id);
    expect(JSON.stringify(received!.data)).toContain('LATE_1');
    const items = ((await (await gw.call(`/api/v1/transmissions/${id}/events`, { token })).json()) as {
      items: { data: { submission: { annexes: { file: { name: string } }[] } } }[];
    }).items;
    expect(items[0]!.data.submission.annexes.map((annexe) => annexe.file.name)).toEqual(['a1.pdf', 'a2.pdf']);
  });

  it('leaves the @ctes rules to validation: a malformed numéro interne and objet are accepted (202)', async () => {
    const response = await submit(acteForm(acteMetadata({ numeroInterne: 'not valid!', objet: 'two\nlines' })));
    expect(response.status).toBe(202);
  });

  it('answers 400 to a body it cannot read, with a stable code for each case', async () => {
    const json = await submit(JSON.stringify(acteMetadata()), { 'content-type': 'application/json' });
    expect(json.status).toBe(400);
    expect(await errorCodes(json)).toEqual(['REQUEST.NOT_MULTIPART']);

    const noMetadata = new FormData();
    noMetadata.append('document', new Blob([pdfBytes()]), 'doc.pdf');
    const missing = await submit(noMetadata);
    expect(missing.status).toBe(400);
    expect(await errorCodes(missing)).toEqual(['REQUEST.MISSING_METADATA']);

    const notJson = new FormData();
    notJson.append('metadata', '{numeroInterne: ');
    notJson.append('document', new Blob([pdfBytes()]), 'doc.pdf');
    const broken = await submit(notJson);
    expect(broken.status).toBe(400);
    expect(await errorCodes(broken)).toEqual(['REQUEST.METADATA_NOT_JSON']);

    const noDocument = await submit(acteForm(acteMetadata(), null));
    expect(noDocument.status).toBe(400);
    expect(await errorCodes(noDocument)).toEqual(['REQUEST.MISSING_DOCUMENT']);

    const twoDocuments = acteForm();
    twoDocuments.append('document', new Blob([pdfBytes('second')]), 'second.pdf');
    const duplicate = await submit(twoDocuments);
    expect(duplicate.status).toBe(400);
    expect(await errorCodes(duplicate)).toEqual(['REQUEST.DUPLICATE_PART']);

    const truncated = await submit('--xyz\r\nContent-Disposition: form-data; name="metadata"\r\n\r\n{}', {
      'content-type': 'multipart/form-data; boundary=xyz',
    });
    expect(truncated.status).toBe(400);
    expect(await errorCodes(truncated)).toEqual(['REQUEST.MALFORMED_MULTIPART']);
  });

  it('answers 422 with the field when the metadata cannot form a submission, and records nothing', async () => {
    const before = await gw.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM events');
    const nature = await submit(acteForm(acteMetadata({ nature: 7 })));
    expect(nature.status).toBe(422);
    expect(await nature.json()).toEqual({ errors: [expect.objectContaining({ code: 'METADATA.UNKNOWN_NATURE', field: 'nature' })] });

    const types = await submit(acteForm({ ...acteMetadata({ numeroInterne: 12, documentPapier: 'yes' }), objet: undefined }));
    expect(types.status).toBe(422);
    const { errors } = (await types.json()) as { errors: { code: string; field: string }[] };
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'METADATA.INVALID_TYPE', field: 'numeroInterne' }),
        expect.objectContaining({ code: 'METADATA.MISSING_FIELD', field: 'objet' }),
        expect.objectContaining({ code: 'METADATA.INVALID_TYPE', field: 'documentPapier' }),
      ]),
    );
    const notObject = await submit(acteForm([1, 2]));
    expect(notObject.status).toBe(422);
    expect(await errorCodes(notObject)).toEqual(['METADATA.INVALID']);

    const after = await gw.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM events');
    expect(after.rows[0]!.n).toBe(before.rows[0]!.n);
  });
});
