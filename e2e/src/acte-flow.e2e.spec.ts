import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { ID_ACTE_REGEX, NOM_ARCHIVE_REGEX, NOM_ENVELOPPE_REGEX, NOM_FICHIER_METIER_REGEX } from '@relais/actes';
import { actesSchemaErrors } from '@relais/testing';
import { untarGz } from './archive.js';
import { acteMetadata, Client, type ErrorBody, type TransmissionBody } from './client.js';
import { eventually, startPlatform, type Platform } from './platform.js';

/*
 * The first flow over the real processes: `npm start --no-build` on a private database and NATS
 * namespace, a collectivité submitting over HTTP, the simulated préfecture answering.
 */
let platform: Platform;
let client: Client;
const FINAL = new Set(['acknowledged', 'rejected', 'nacked', 'failed']);

beforeAll(async () => {
  // A short delivery timeout so that the simulator's slow answer is given up on quickly.
  platform = await startPlatform({ env: { TRANSMITTER_DELIVERY_TIMEOUT_MS: '2000' } });
  await platform.waitUntilReady(90_000);
  client = new Client(platform);
}, 120_000);

afterAll(async () => {
  await platform.stop();
}, 30_000);

/** Waits until the transmission reaches a final status. */
function settled(token: string, id: string, timeoutMs = 45_000): Promise<TransmissionBody> {
  return eventually(
    `transmission ${id} to end its delivery`,
    async () => {
      const t = await client.transmission(token, id).catch(() => undefined);
      return t !== undefined && FINAL.has(t.status) && t;
    },
    timeoutMs,
  );
}

async function accepted(response: Response): Promise<string> {
  const text = await response.text();
  if (response.status !== 202) throw new Error(`expected 202, got ${response.status.toString()}: ${text}`);
  const body = JSON.parse(text) as { id: string; status: string };
  expect(body.status).toBe('received');
  return body.id;
}

describe('an acte from HTTP submission to the préfecture acknowledgment', () => {
  it('ends acknowledged with an IDActe, every step in order, one XSD-valid archive at the State', async () => {
    const dijon = await client.collectivite('212102313', '021', '1');
    const before = await client.simStats();
    const id = await accepted(await client.submitActe(dijon.token, acteMetadata('DEL2026_001')));

    const done = await settled(dijon.token, id);
    expect(done.status).toBe('acknowledged');
    const idActe = done.acte?.idActe ?? '';
    expect(idActe).toMatch(ID_ACTE_REGEX);
    expect(idActe).toMatch(/^021-212102313-\d{8}-DEL2026_001-DE$/);

    const { items } = await client.events(dijon.token, id);
    expect(items.map((e) => e.type)).toEqual([
      'TransmissionReceived',
      'TransmissionValidated',
      'TransmissionRouted',
      'TransmissionPackaged',
      'TransmissionSent',
      'TransmissionAcknowledged',
    ]);
    const positions = items.map((e) => BigInt(e.position));
    expect(positions).toEqual([...positions].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));

    const packaged = items[3]?.data as { fileName: string; sha256: string };
    expect(packaged.fileName).toMatch(NOM_ARCHIVE_REGEX);
    const after = await client.simStats();
    expect(after.received - before.received).toBe(1);
    expect(after).toMatchObject({ duplicates: 0, conflicts: 0 });

    const archive = Buffer.from(await (await fetch(`${platform.simUrl}/sim/actes/${packaged.fileName}`)).arrayBuffer());
    expect(createHash('sha256').update(archive).digest('hex')).toBe(packaged.sha256);
    const files = await untarGz(archive);
    const [envelope, ...business] = files;
    expect(envelope?.name).toMatch(NOM_ENVELOPPE_REGEX);
    expect(business.length).toBeGreaterThanOrEqual(2);
    for (const file of business) expect(file.name).toMatch(NOM_FICHIER_METIER_REGEX);
    const xmls = files.filter((f) => f.name.endsWith('.xml'));
    expect(xmls).toHaveLength(2);
    for (const xml of xmls) {
      expect(xml.content.subarray(0, 60).toString('latin1')).toContain('ISO-8859-1');
      expect(await actesSchemaErrors(xml.name, xml.content)).toEqual([]);
    }
    const pdf = files.find((f) => f.name.endsWith('.pdf'));
    expect(pdf?.content.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  }, 60_000);

  it('creates one transmission for the same Idempotency-Key sent twice', async () => {
    const besancon = await client.collectivite('212500565', '025', '1');
    const first = await client.submitActe(besancon.token, acteMetadata('ARR2026_7'), { idempotencyKey: 'key-7' });
    const firstId = await accepted(first);
    const second = await client.submitActe(besancon.token, acteMetadata('ARR2026_7'), { idempotencyKey: 'key-7' });
    expect(second.status).toBe(202);
    expect(((await second.json()) as { id: string }).id).toBe(firstId);
    await settled(besancon.token, firstId);
    const list = await client.json<{ items: TransmissionBody[] }>('GET', '/api/v1/transmissions?limit=100', besancon.token);
    expect(list.items.filter((t) => t.acte?.numeroInterne === 'ARR2026_7')).toHaveLength(1);
  }, 60_000);

  it('answers 401 without a token, 403 to a supervisor submitting, 404 to a collectivité reading another one', async () => {
    const lons = await client.collectivite('213902858', '039', '1');
    const dole = await client.collectivite('213901983', '039', '2');
    const id = await accepted(await client.submitActe(lons.token, acteMetadata('AUTH_1')));

    const anonymous = await client.call('GET', `/api/v1/transmissions/${id}`, undefined);
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as ErrorBody).errors[0]?.code).toBe('AUTH.MISSING_TOKEN');

    const supervisor = await client.token('supervisor');
    const refused = await client.submitActe(supervisor, acteMetadata('AUTH_2'));
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as ErrorBody).errors[0]?.code).toBe('AUTH.FORBIDDEN');

    const other = await client.call('GET', `/api/v1/transmissions/${id}`, dole.token);
    expect(other.status).toBe(404);
    const otherEvents = await client.call('GET', `/api/v1/transmissions/${id}/events`, dole.token);
    expect(otherEvents.status).toBe(404);
    expect((await client.transmission(supervisor, id)).id).toBe(id);
    // Delivered before the next tests turn the simulator's knobs, which apply to the next deliveries.
    expect((await settled(lons.token, id)).status).toBe('acknowledged');
  }, 60_000);

  it('refuses an objet of 600 characters with a stable code: at once, or by ending the transmission rejected', async () => {
    const auxerre = await client.collectivite('218900249', '089', '1');
    const response = await client.submitActe(auxerre.token, acteMetadata('OBJ_600', { objet: 'x'.repeat(600) }));
    let errors: ErrorBody['errors'];
    if (response.status === 202) {
      const id = await accepted(response);
      const done = await settled(auxerre.token, id);
      expect(done.status).toBe('rejected');
      errors = done.errors;
    } else {
      expect([400, 422]).toContain(response.status);
      errors = ((await response.json()) as ErrorBody).errors;
    }
    const objet = errors.find((e) => e.field === 'objet');
    expect(objet?.code).toMatch(/^ACTE\.OBJET/);
    expect(objet?.message).toContain('600');
  }, 60_000);
});

describe('delivery in doubt', () => {
  it('resends the same bytes under the same name when the State took the archive but its answer timed out', async () => {
    const nevers = await client.collectivite('215801946', '058', '1');
    const before = await client.simStats();
    await client.simConfig({ slowNext: 1, slowAnswerMs: 20_000 });
    const id = await accepted(await client.submitActe(nevers.token, acteMetadata('SLOW_1')));
    const done = await settled(nevers.token, id, 60_000);
    expect(done.status).toBe('acknowledged');

    const { items } = await client.events(nevers.token, id);
    const types = items.map((e) => e.type);
    expect(types.filter((t) => t === 'TransmissionAcknowledged')).toHaveLength(1);
    expect(types).toContain('TransmissionDeliveryAttemptFailed');
    const packaged = items.find((e) => e.type === 'TransmissionPackaged')?.data as { fileName: string; sha256: string };
    const sent = items.filter((e) => e.type === 'TransmissionSent').map((e) => e.data as { fileName: string; sha256: string });
    expect(sent.length).toBeGreaterThanOrEqual(1);
    for (const s of sent) expect(s).toMatchObject({ fileName: packaged.fileName, sha256: packaged.sha256 });

    const after = await client.simStats();
    expect(after.received - before.received).toBe(1);
    expect(after.retries - before.retries).toBeGreaterThanOrEqual(1);
    expect(after).toMatchObject({ duplicates: 0, conflicts: 0 });
  }, 90_000);

  it('loses nothing and sends nothing twice when the transmitter is killed with actes in flight', async () => {
    const vesoul = await client.collectivite('217005507', '070', '1');
    const before = await client.simStats();
    // Replies take a while, so that actes are caught at every stage when the process dies.
    await client.simConfig({ ackDelayMs: 1500 });
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push(await accepted(await client.submitActe(vesoul.token, acteMetadata(`KILL_${i.toString()}`))));
    const victim = await platform.pidOf('transmitter');
    process.kill(victim, 'SIGKILL');
    // The supervisor of npm start brings it back.
    await eventually('a new transmitter process', async () => {
      const pid = await platform.pidOf('transmitter').catch(() => undefined);
      return pid !== undefined && pid !== victim && pid;
    }, 30_000);
    const finals = await Promise.all(ids.map((id) => settled(vesoul.token, id, 90_000)));
    expect(finals.map((t) => t.status)).toEqual(ids.map(() => 'acknowledged'));
    const after = await client.simStats();
    expect(after.received - before.received).toBe(12);
    expect(after).toMatchObject({ duplicates: 0, conflicts: 0 });
    await client.simConfig({ ackDelayMs: 0 });
  }, 150_000);
});
