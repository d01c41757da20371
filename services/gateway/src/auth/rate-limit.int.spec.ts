import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FakeClock } from '@relais/testing';
import { errorCodes, startGateway, type TestGateway } from '../../test/gateway.js';

// The clock is frozen, so the bucket refills only when the test moves it: what is counted is
// exactly the burst, however slowly the requests go.
const clock = new FakeClock('2026-03-02T09:00:00.000Z');
let gw: TestGateway;

beforeAll(async () => {
  gw = await startGateway({ clock });
});

afterAll(async () => {
  await gw.close();
});

describe('per-token rate limit', () => {
  it('lets a burst of 100 through, answers 429 AUTH.RATE_LIMITED with Retry-After past it, and refills at 20 per second', async () => {
    const { token } = await gw.issueToken('auditor');
    const { token: other } = await gw.issueToken('auditor');
    const burst = await Promise.all(Array.from({ length: 100 }, () => gw.call('/api/v1/transmissions', { token })));
    expect(burst.map((response) => response.status)).toEqual(Array.from({ length: 100 }, () => 200));

    const over = await gw.call('/api/v1/transmissions', { token });
    expect(over.status).toBe(429);
    expect(over.headers.get('retry-after')).toBe('1');
    expect(await errorCodes(over)).toEqual(['AUTH.RATE_LIMITED']);
    // Another token has its own bucket.
    expect((await gw.call('/api/v1/transmissions', { token: other })).status).toBe(200);

    clock.advance(1000);
    const refilled = await Promise.all(Array.from({ length: 21 }, () => gw.call('/api/v1/transmissions', { token })));
    const statuses = refilled.map((response) => response.status).sort();
    expect(statuses.filter((status) => status === 200)).toHaveLength(20);
    expect(statuses.filter((status) => status === 429)).toHaveLength(1);
  });
});
