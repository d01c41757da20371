import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ID_ACTE_REGEX } from '@relais/actes';
import { acteMetadata, Client, type ErrorBody, type TransmissionBody } from './client.js';
import { eventually, startPlatform, type Platform } from './platform.js';

/*
 * Issue 4 over the real processes: an acknowledged acte is cancelled through the API (a 6-1 to the
 * simulated préfecture, its 6-2 read back), and an annulation asked before the AR is refused.
 */
let platform: Platform;
let client: Client;

beforeAll(async () => {
  platform = await startPlatform();
  await platform.waitUntilReady(90_000);
  client = new Client(platform);
}, 120_000);

afterAll(async () => {
  await platform.stop();
}, 30_000);

function reaches(token: string, id: string, status: string, timeoutMs = 45_000): Promise<TransmissionBody> {
  return eventually(
    `transmission ${id} to be ${status}`,
    async () => {
      const t = await client.transmission(token, id).catch(() => undefined);
      return t !== undefined && t.status === status && t;
    },
    timeoutMs,
  );
}

async function submitted(token: string, numeroInterne: string): Promise<string> {
  const response = await client.submitActe(token, acteMetadata(numeroInterne));
  const text = await response.text();
  if (response.status !== 202) throw new Error(`expected 202, got ${response.status.toString()}: ${text}`);
  return (JSON.parse(text) as { id: string }).id;
}

describe('annulation of an acte (6-1 / 6-2)', () => {
  it('cancels an acknowledged acte once the 6-2 arrives, and refuses with 409 an annulation before the AR', async () => {
    const dijon = await client.collectivite('212102313', '021', '1');

    // Acknowledged, then cancelled.
    const id = await submitted(dijon.token, 'ANNUL2026_01');
    const acknowledged = await reaches(dijon.token, id, 'acknowledged');
    expect(acknowledged.acte?.idActe ?? '').toMatch(ID_ACTE_REGEX);
    const response = await client.call('POST', `/api/v1/actes/${id}/annulation`, dijon.token);
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ id, status: 'acknowledged' });
    await reaches(dijon.token, id, 'cancelled');
    const { items } = await client.events(dijon.token, id);
    expect(items.map((event) => event.type).slice(-3)).toEqual(['TransmissionCancellationRequested', 'TransmissionMessageSent', 'TransmissionCancelled']);
    expect(items.at(-1)?.data).toMatchObject({ idActe: acknowledged.acte?.idActe });
    const stats = (await client.simStats()) as unknown as { received: number; byKind: { annulation: Record<string, number> } };
    expect(stats.received).toBe(1);
    expect(stats.byKind.annulation).toEqual({ received: 1, retries: 0, duplicates: 0, conflicts: 0 });

    // Before the AR: the préfecture takes its time, the acte has no IDActe yet.
    await client.simConfig({ ackDelayMs: 120_000 });
    const early = await submitted(dijon.token, 'ANNUL2026_02');
    await reaches(dijon.token, early, 'sent');
    const refused = await client.call('POST', `/api/v1/actes/${early}/annulation`, dijon.token);
    expect(refused.status).toBe(409);
    const body = (await refused.json()) as ErrorBody;
    expect(body.errors.map((error) => error.code)).toEqual(['TRANSMISSION.CANCELLATION_NOT_ALLOWED']);
    expect(body.errors[0]?.message).toContain('only an acknowledged acte can be cancelled');
    expect((await client.transmission(dijon.token, early)).status).toBe('sent');
  }, 120_000);
});
