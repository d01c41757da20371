import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { acteForm, errorCodes, startGateway, type TestGateway } from '../../test/gateway.js';

let gw: TestGateway;

beforeAll(async () => {
  gw = await startGateway();
});

afterAll(async () => {
  await gw.close();
});

describe('tokens and roles', () => {
  it('answers 401 AUTH.MISSING_TOKEN without a token, 401 AUTH.INVALID_TOKEN with an unknown one', async () => {
    const none = await gw.call('/api/v1/transmissions');
    expect(none.status).toBe(401);
    expect(await errorCodes(none)).toEqual(['AUTH.MISSING_TOKEN']);
    const unknown = await gw.call('/api/v1/transmissions', { token: 'rls_nope' });
    expect(unknown.status).toBe(401);
    expect(await errorCodes(unknown)).toEqual(['AUTH.INVALID_TOKEN']);
    const basic = await gw.call('/api/v1/transmissions', { headers: { authorization: 'Basic YTpi' } });
    expect(basic.status).toBe(401);
  });

  it('stops a revoked token at once', async () => {
    const { id, token } = await gw.issueToken('supervisor');
    expect((await gw.call('/api/v1/transmissions', { token })).status).toBe(200);
    const revoked = await gw.call(`/api/v1/admin/tokens/${id}`, { method: 'DELETE', token: gw.adminToken });
    expect(revoked.status).toBe(204);
    const after = await gw.call('/api/v1/transmissions', { token });
    expect(after.status).toBe(401);
    expect(await errorCodes(after)).toEqual(['AUTH.INVALID_TOKEN']);
  });

  it('refuses an expired token', async () => {
    const { id, token } = await gw.issueToken('auditor');
    await gw.db.pool.query(`UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE id = $1`, [id]);
    expect((await gw.call('/api/v1/transmissions', { token })).status).toBe(401);
  });

  it('answers 403 AUTH.FORBIDDEN to a supervisor submitting an acte and to a collectivité calling admin routes', async () => {
    const { token } = await gw.issueToken('supervisor');
    const submit = await gw.call('/api/v1/actes', { method: 'POST', token, body: acteForm() });
    expect(submit.status).toBe(403);
    expect(await errorCodes(submit)).toEqual(['AUTH.FORBIDDEN']);
    const siren = await gw.registerCollectivite();
    const collectivite = await gw.issueToken('collectivite', siren);
    const admin = await gw.call('/api/v1/admin/tokens', {
      method: 'POST',
      token: collectivite.token,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ role: 'admin' }),
    });
    expect(admin.status).toBe(403);
  });

  it('stores only the SHA-256 of each token', async () => {
    const { id, token } = await gw.issueToken('auditor');
    expect(token).toMatch(/^rls_[A-Za-z0-9_-]{43}$/);
    const { rows } = await gw.db.pool.query<{ row: string }>('SELECT row_to_json(t)::text AS row FROM api_tokens t WHERE id = $1', [id]);
    expect(rows[0]!.row).not.toContain(token);
    const hash = await gw.db.pool.query<{ ok: boolean }>(`SELECT token_hash = sha256(convert_to($2, 'UTF8')) AS ok FROM api_tokens WHERE id = $1`, [id, token]);
    expect(hash.rows[0]!.ok).toBe(true);
  });

  it('issues a collectivite token only for a registered siren, and a siren only to that role', async () => {
    const post = (body: unknown): Promise<Response> =>
      gw.call('/api/v1/admin/tokens', { method: 'POST', token: gw.adminToken, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const unregistered = await post({ role: 'collectivite', siren: '999999999' });
    expect(unregistered.status).toBe(422);
    expect(await errorCodes(unregistered)).toEqual(['COLLECTIVITE.NOT_FOUND']);
    expect(await errorCodes(await post({ role: 'collectivite' }))).toEqual(['TOKEN.SIREN_REQUIRED']);
    expect(await errorCodes(await post({ role: 'auditor', siren: '212102313' }))).toEqual(['TOKEN.SIREN_NOT_ALLOWED']);
    const badRole = await post({ role: 'root' });
    expect(badRole.status).toBe(400);
    expect(await badRole.json()).toEqual({ errors: [expect.objectContaining({ code: 'REQUEST.INVALID_BODY', field: 'role' })] });
    const expiring = await post({ role: 'auditor', expiresAt: '2099-01-01T00:00:00Z' });
    expect(expiring.status).toBe(201);
    expect(await expiring.json()).toEqual(expect.objectContaining({ role: 'auditor', expiresAt: '2099-01-01T00:00:00.000Z' }));
  });

  it('answers 404 TOKEN.NOT_FOUND when revoking a token that does not exist', async () => {
    const response = await gw.call('/api/v1/admin/tokens/6f1c1d2e-0000-4000-8000-000000000000', { method: 'DELETE', token: gw.adminToken });
    expect(response.status).toBe(404);
    expect(await errorCodes(response)).toEqual(['TOKEN.NOT_FOUND']);
  });
});
