import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, createTestNamespace, type TestDatabase, type TestNamespace } from '@relais/testing';
import { startGateway } from '../../test/gateway.js';

let db: TestDatabase;
let ns: TestNamespace;
let dir: string;

beforeAll(async () => {
  db = await createTestDatabase('relais_gateway');
  ns = await createTestNamespace('gw');
  dir = await mkdtemp(join(tmpdir(), 'relais-admin-'));
});

afterAll(async () => {
  await db.drop();
  await ns.cleanup();
  await rm(dir, { recursive: true, force: true });
});

describe('the bootstrap administrator', () => {
  it('without RELAIS_ADMIN_TOKEN, generates a token into a file only its owner can read, logs the path and never the token, and reuses it', async () => {
    const file = join(dir, 'nested', 'admin-token');
    const first = await startGateway({ db, ns, settings: { adminToken: undefined, adminTokenFile: file } });
    const token = (await readFile(file, 'utf8')).trim();
    try {
      expect(token).toMatch(/^rls_/);
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      expect(first.logs.some((line) => line.includes(file))).toBe(true);
      expect(first.logs.some((line) => line.includes(token))).toBe(false);
      const admin = await first.call('/api/v1/admin/tokens', {
        method: 'POST',
        token,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ role: 'auditor' }),
      });
      expect(admin.status).toBe(201);
    } finally {
      await first.close();
    }
    const second = await startGateway({ db, ns, settings: { adminToken: undefined, adminTokenFile: file } });
    try {
      expect((await readFile(file, 'utf8')).trim()).toBe(token);
      expect((await second.call('/api/v1/transmissions', { token })).status).toBe(403);
      const { rows } = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM api_tokens WHERE role = 'admin'`);
      expect(rows[0]!.n).toBe(1);
    } finally {
      await second.close();
    }
  });

  it('with RELAIS_ADMIN_TOKEN, registers that token as an administrator and writes no file', async () => {
    const file = join(dir, 'unused');
    const chosen = 'operator-chosen-token-0123456789';
    const gw = await startGateway({ db, ns, settings: { adminToken: chosen, adminTokenFile: file } });
    try {
      expect(gw.logs.some((line) => line.includes(chosen))).toBe(false);
      const response = await gw.call('/api/v1/admin/tokens', {
        method: 'POST',
        token: chosen,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ role: 'supervisor' }),
      });
      expect(response.status).toBe(201);
      await expect(stat(file)).rejects.toThrow(/ENOENT/);
    } finally {
      await gw.close();
    }
  });
});
