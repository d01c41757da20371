import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { acteForm, acteMetadata, errorCodes, pdfBytes, startGateway, type TestGateway } from '../../test/gateway.js';
import { DEFAULT_LIMITS } from './limits.js';

// Small limits, so that each is passed by a small request; the behaviour does not depend on the size.
const limits = {
  ...DEFAULT_LIMITS,
  maxJsonBytes: 4 * 1024,
  maxFormBytes: 1024,
  maxHeaderBytes: 8 * 1024,
  maxMetadataBytes: 2 * 1024,
  maxFiles: 3,
  maxFileNameBytes: 64,
};

let gw: TestGateway;
let token: string;

beforeAll(async () => {
  gw = await startGateway({ settings: { limits, maxUploadBytes: 64 * 1024, pesMaxUploadBytes: 32 * 1024 } });
  ({ token } = await gw.issueToken('collectivite', await gw.registerCollectivite()));
});

afterAll(async () => {
  await gw.close();
});

/** Rows of the log, and of what a refused request might have left behind. */
async function recorded(): Promise<{ events: number; sessions: number }> {
  const { rows } = await gw.db.pool.query<{ events: number; sessions: number }>(
    'SELECT (SELECT count(*)::int FROM events) AS events, (SELECT count(*)::int FROM web_sessions) AS sessions',
  );
  return rows[0]!;
}

/** Sends `form` as an acte. */
async function submit(form: FormData): Promise<Response> {
  return gw.call('/api/v1/actes', { method: 'POST', token, body: form });
}

describe('request body limits', () => {
  it('refuses a JSON body past RELAIS_MAX_JSON_BYTES with 413 REQUEST.BODY_TOO_LARGE, and registers nothing', async () => {
    const before = await recorded();
    const response = await gw.call('/api/v1/admin/collectivites', {
      method: 'POST',
      token: gw.adminToken,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ siren: '212102313', nom: 'x'.repeat(5 * 1024), departement: '021', arrondissement: '1', nature: '31' }),
    });
    expect(response.status).toBe(413);
    expect(await errorCodes(response)).toEqual(['REQUEST.BODY_TOO_LARGE']);
    expect(await recorded()).toEqual(before);
    // Just under the limit, the same call is read (and judged on its fields).
    const fits = await gw.call('/api/v1/admin/collectivites', {
      method: 'POST',
      token: gw.adminToken,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ siren: '212102313', nom: 'x'.repeat(3 * 1024), departement: '021', arrondissement: '1', nature: '31' }),
    });
    expect(fits.status).toBe(400);
    expect(await errorCodes(fits)).toEqual(['REQUEST.INVALID_BODY']);
  });

  it('refuses a sign-in form past RELAIS_MAX_FORM_BYTES with 413, and opens no session', async () => {
    const before = await recorded();
    const response = await gw.call('/signin', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: gw.base },
      body: new URLSearchParams({ token: gw.adminToken, next: `/${'a'.repeat(2 * 1024)}` }).toString(),
      redirect: 'manual',
    });
    expect(response.status).toBe(413);
    expect(await errorCodes(response)).toEqual(['REQUEST.BODY_TOO_LARGE']);
    expect(await recorded()).toEqual(before);
  });

  it('answers headers past RELAIS_MAX_HEADER_BYTES with 431 REQUEST.HEADERS_TOO_LARGE in the API’s error shape', async () => {
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = httpRequest(`${gw.base}/api/v1/transmissions`, { headers: { authorization: `Bearer ${token}`, 'x-padding': 'p'.repeat(10 * 1024) } }, (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          body += chunk;
        });
        response.on('end', () => {
          resolve({ status: response.statusCode ?? 0, body });
        });
      });
      request.on('error', reject);
      request.end();
    });
    expect(answer.status).toBe(431);
    expect(JSON.parse(answer.body)).toEqual({ errors: [{ code: 'REQUEST.HEADERS_TOO_LARGE', message: expect.stringContaining('8192') }] });
    // The same headers under the limit are read.
    expect((await gw.call('/api/v1/transmissions', { token, headers: { 'x-padding': 'p'.repeat(4 * 1024) } })).status).toBe(200);
  });

  it('refuses a metadata part past RELAIS_MAX_METADATA_BYTES, more files than RELAIS_MAX_FILES and a file name past RELAIS_MAX_FILE_NAME_BYTES, recording nothing', async () => {
    const before = await recorded();

    const bigMetadata = await submit(acteForm(acteMetadata({ objet: 'o'.repeat(3 * 1024) })));
    expect(bigMetadata.status).toBe(400);
    expect(await errorCodes(bigMetadata)).toEqual(['REQUEST.METADATA_TOO_LARGE']);

    const tooMany = await submit(acteForm(acteMetadata({ numeroInterne: 'MANY_1' }), pdfBytes(), [pdfBytes('1'), pdfBytes('2'), pdfBytes('3')]));
    expect(tooMany.status).toBe(400);
    expect(await errorCodes(tooMany)).toEqual(['REQUEST.TOO_MANY_PARTS']);

    const longName = new FormData();
    longName.append('metadata', JSON.stringify(acteMetadata({ numeroInterne: 'LONG_1' })));
    longName.append('document', new Blob([pdfBytes()], { type: 'application/pdf' }), `${'n'.repeat(61)}.pdf`);
    const named = await submit(longName);
    expect(named.status).toBe(400);
    expect(await named.json()).toEqual({ errors: [{ code: 'REQUEST.FILE_NAME_TOO_LONG', message: expect.any(String), field: 'document' }] });

    const tooBig = await submit(acteForm(acteMetadata({ numeroInterne: 'BIG_1' }), new Uint8Array(65 * 1024)));
    expect(tooBig.status).toBe(413);
    expect(await errorCodes(tooBig)).toEqual(['REQUEST.UPLOAD_TOO_LARGE']);

    expect(await recorded()).toEqual(before);
    // At the limits exactly, the acte is taken.
    const atLimits = new FormData();
    atLimits.append('metadata', JSON.stringify(acteMetadata({ numeroInterne: 'FITS_1' })));
    atLimits.append('document', new Blob([pdfBytes()], { type: 'application/pdf' }), `${'n'.repeat(60)}.pdf`);
    for (const i of [1, 2]) atLimits.append('annexes', new Blob([pdfBytes(String(i))], { type: 'application/pdf' }), `annexe-${i}.pdf`);
    expect((await submit(atLimits)).status).toBe(202);
  });

  it('refuses a PES file past RELAIS_PES_MAX_UPLOAD_BYTES and an archive past its bound with 413, recording nothing', async () => {
    const before = await recorded();
    const pes = await gw.call('/api/v1/pes', { method: 'POST', token, headers: { 'content-type': 'application/xml' }, body: `<?xml version="1.0"?>${' '.repeat(40 * 1024)}` });
    expect(pes.status).toBe(413);
    expect(await errorCodes(pes)).toEqual(['REQUEST.UPLOAD_TOO_LARGE']);
    const archive = await gw.call('/api/v1/actes/archive', {
      method: 'POST',
      token,
      headers: { 'content-type': 'application/gzip', 'content-disposition': 'attachment; filename="TRI-EACT--212102313--20260105-1.tar.gz"' },
      body: new Uint8Array(2 * 1024 * 1024),
    });
    expect(archive.status).toBe(413);
    expect(await errorCodes(archive)).toEqual(['REQUEST.UPLOAD_TOO_LARGE']);
    expect(await recorded()).toEqual(before);
  });
});
