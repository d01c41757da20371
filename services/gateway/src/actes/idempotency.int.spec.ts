import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { acteForm, acteMetadata, errorCodes, startGateway, type TestGateway } from '../../test/gateway.js';
import { RESERVATION_LEASE_MS } from './idempotency.repository.js';

let gw: TestGateway;
let token: string;
let siren: string;
let otherToken: string;

beforeAll(async () => {
  gw = await startGateway();
  siren = await gw.registerCollectivite();
  ({ token } = await gw.issueToken('collectivite', siren));
  ({ token: otherToken } = await gw.issueToken('collectivite', await gw.registerCollectivite()));
});

afterAll(async () => {
  await gw.close();
});

function submit(key: string, as = token, metadata = acteMetadata()): Promise<Response> {
  return gw.call('/api/v1/actes', { method: 'POST', token: as, body: acteForm(metadata), headers: { 'idempotency-key': key } });
}

async function transmissionStreams(): Promise<number> {
  const { rows } = await gw.db.pool.query<{ n: number }>(`SELECT count(DISTINCT stream_id)::int AS n FROM events WHERE stream_id LIKE 'transmission-%'`);
  return rows[0]!.n;
}

describe('Idempotency-Key', () => {
  it('answers a repeat with the first answer and creates nothing new', async () => {
    const before = await transmissionStreams();
    const first = await submit('key-1');
    expect(first.status).toBe(202);
    const firstBody = await first.json();
    const second = await submit('key-1');
    expect(second.status).toBe(202);
    expect(await second.json()).toEqual(firstBody);
    expect(await transmissionStreams()).toBe(before + 1);
  });

  it('lets only one of two concurrent requests with the same key create a transmission', async () => {
    const before = await transmissionStreams();
    const answers = await Promise.all([submit('key-race'), submit('key-race'), submit('key-race')]);
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.every((status) => status === 202 || status === 409)).toBe(true);
    expect(statuses).toContain(202);
    const ids = new Set<string>();
    for (const answer of answers) {
      if (answer.status === 202) ids.add(((await answer.json()) as { id: string }).id);
      else expect(await errorCodes(answer)).toEqual(['IDEMPOTENCY.IN_PROGRESS']);
    }
    expect(ids.size).toBe(1);
    expect(await transmissionStreams()).toBe(before + 1);
    const replay = await submit('key-race');
    expect(((await replay.json()) as { id: string }).id).toBe([...ids][0]);
  });

  it('takes over, once its lease ran out, a key whose request died after recording the transmission: the retry gets the same id, nothing new', async () => {
    const first = (await (await submit('key-crash')).json()) as { id: string };
    const before = await transmissionStreams();
    // What a process killed between the append and storing the answer leaves: the key reserved, never completed.
    const leftBehind = (ageMs: number): Promise<unknown> =>
      gw.db.pool.query(
        `UPDATE idempotency_keys SET status = NULL, body = NULL, completed_at = NULL, owner = gen_random_uuid(),
                reserved_at = now() - $3::integer * interval '1 millisecond' WHERE scope = $1 AND key = $2`,
        [`siren:${siren}`, 'key-crash', ageMs],
      );
    await leftBehind(1_000);
    const held = await submit('key-crash');
    expect([held.status, await errorCodes(held)]).toEqual([409, ['IDEMPOTENCY.IN_PROGRESS']]);
    await leftBehind(RESERVATION_LEASE_MS + 1_000);
    const retry = await submit('key-crash');
    expect(retry.status).toBe(202);
    expect(((await retry.json()) as { id: string }).id).toBe(first.id);
    expect(await transmissionStreams()).toBe(before);
  });

  it('scopes keys to the collectivité: another one using the same key gets its own transmission', async () => {
    const mine = (await (await submit('shared-key')).json()) as { id: string };
    const theirs = (await (await submit('shared-key', otherToken)).json()) as { id: string };
    expect(theirs.id).not.toBe(mine.id);
  });

  it('replays a refusal as it was first given', async () => {
    const first = await submit('key-refused', token, acteMetadata({ nature: 'XX' }));
    expect(first.status).toBe(422);
    const firstBody = await first.json();
    const second = await submit('key-refused');
    expect(second.status).toBe(422);
    expect(await second.json()).toEqual(firstBody);
  });

  it('refuses a key that is not printable ASCII with 400', async () => {
    const response = await submit('x'.repeat(300));
    expect(response.status).toBe(400);
    expect(await errorCodes(response)).toEqual(['REQUEST.INVALID_IDEMPOTENCY_KEY']);
  });
});
