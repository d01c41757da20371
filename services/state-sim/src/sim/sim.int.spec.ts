import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { SimServer, type MailboxBody } from '../../test/sim-server.js';

import { acteInput, buildActeArchive, rawTarGz } from '../../test/archives.js';
import { actesSchemaErrors } from '@relais/testing';

let sim: SimServer;
let base: string;

beforeAll(async () => {
  sim = await SimServer.start();
  base = sim.base;
});

afterAll(async () => {
  await sim.close();
});

beforeEach(async () => {
  await sim.reset();
});

const deliver = (name: string, bytes: Buffer): Promise<Response> => sim.deliver(name, bytes);
const waitForMail = (count: number): Promise<MailboxBody> => sim.waitForMail(count);
const stats = (): Promise<Record<string, unknown>> => sim.stats();
const mailbox = (query = ''): Promise<MailboxBody> => sim.mailbox(query);

describe('state simulator over HTTP', () => {
  it('answers /health', async () => {
    expect((await fetch(`${base}/health`)).status).toBe(200);
  });

  it('accepts a real archive, then puts an ARActe with the right IDActe in the mailbox until it is acked', async () => {
    const archive = await buildActeArchive(acteInput());
    const response = await deliver(archive.name, archive.bytes);
    expect(response.status).toBe(200);

    const { items } = await waitForMail(1);
    expect(items).toHaveLength(1);
    const [item] = items;
    expect(item!.kind).toBe('ARActe');
    expect(item!.receivedFor).toBe(archive.name);
    expect(item!.files.map((file) => file.name)).toEqual([
      expect.stringMatching(/^EACT--PREF034-491011698-[0-9]{8}-1\.xml$/),
      '034-491011698-20171207-CL20171227_06-DE-1-2_0.xml',
    ]);
    const message = Buffer.from(item!.files[1]!.contentBase64, 'base64');
    expect(message.toString('latin1')).toContain(`actes:IDActe="${archive.idActe}"`);
    expect(await actesSchemaErrors('ar.xml', message)).toEqual([]);

    expect((await fetch(`${base}/sim/mailbox/${item!.id}/ack`, { method: 'POST' })).status).toBe(200);
    expect((await mailbox()).items).toEqual([]);
    expect((await fetch(`${base}/sim/mailbox/999/ack`, { method: 'POST' })).status).toBe(404);
    expect(await stats()).toMatchObject({ received: 1, retries: 0, duplicates: 0, conflicts: 0 });
  });

  it('counts the same bytes again as a retry, other bytes under the same name as a conflict, the same acte elsewhere as a duplicate', async () => {
    const archive = await buildActeArchive(acteInput());
    expect((await deliver(archive.name, archive.bytes)).status).toBe(200);
    expect((await deliver(archive.name, archive.bytes)).status).toBe(200);
    expect(await stats()).toMatchObject({ received: 1, retries: 1, duplicates: 0, conflicts: 0 });
    const kept = await fetch(`${base}/sim/actes/${archive.name}`);
    expect(kept.headers.get('content-type')).toBe('application/gzip');
    expect(Buffer.from(await kept.arrayBuffer()).equals(Buffer.from(archive.bytes))).toBe(true);
    expect((await fetch(`${base}/sim/actes/TRI-EACT--212102313--20260105-99.tar.gz`)).status).toBe(404);

    const changed = await buildActeArchive(acteInput({ objet: 'Un autre objet' }));
    expect(changed.name).toBe(archive.name);
    expect((await deliver(changed.name, changed.bytes)).status).toBe(200);
    expect(await stats()).toMatchObject({ received: 1, retries: 1, duplicates: 0, conflicts: 1 });

    const again = await buildActeArchive(acteInput({ sequence: 6 }));
    expect((await deliver(again.name, again.bytes)).status).toBe(200);
    expect(await stats()).toEqual({
      received: 1,
      retries: 1,
      duplicates: 1,
      conflicts: 1,
      byKind: {
        acte: { received: 1, retries: 1, duplicates: 1, conflicts: 1 },
        pes: { received: 0, retries: 0, duplicates: 0, conflicts: 0 },
        annulation: { received: 0, retries: 0, duplicates: 0, conflicts: 0 },
        reply: { received: 0, retries: 0, duplicates: 0, conflicts: 0 },
        classification: { received: 0, retries: 0, duplicates: 0, conflicts: 0 },
      },
    });
    // Only the first delivery gets a reply.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await mailbox()).items).toHaveLength(1);
  });

  it('refuses a tar with ../evil with a 400 and a stable code, and counts it nowhere', async () => {
    const evil = await rawTarGz([{ name: '../evil', content: Buffer.from('pwned') }]);
    const response = await deliver('RLS-EACT--491011698--20171227-5.tar.gz', evil);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      errors: [{ code: 'SIM.UNSAFE_ENTRY_NAME', message: expect.any(String) }],
    });
    expect(await stats()).toMatchObject({ received: 0, retries: 0, duplicates: 0, conflicts: 0 });
  });

  it('refuses a bad archive name and a body that is not gzip', async () => {
    const archive = await buildActeArchive(acteInput());
    const badName = await deliver('evil.tar.gz', archive.bytes);
    expect(badName.status).toBe(400);
    expect(await badName.json()).toMatchObject({ errors: [{ code: 'SIM.INVALID_ARCHIVE_NAME' }] });
    const json = await fetch(`${base}/sim/actes/${archive.name}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(json.status).toBe(415);
  });

  it('pages the mailbox with after and limit', async () => {
    for (const sequence of [1, 2, 3]) {
      const archive = await buildActeArchive(acteInput({ sequence, numeroInterne: `N${sequence}` }));
      expect((await deliver(archive.name, archive.bytes)).status).toBe(200);
    }
    await waitForMail(3);
    const first = await mailbox('?limit=2');
    expect(first.items.map((item) => item.id)).toEqual([1, 2]);
    expect(first.next).toBe(2);
    const second = await mailbox(`?after=${first.next}&limit=2`);
    expect(second.items.map((item) => item.id)).toEqual([3]);
    expect(second.next).toBeUndefined();
    expect((await fetch(`${base}/sim/mailbox?limit=0`)).status).toBe(400);
  });

  it('simulates outages and anomalies on demand', async () => {
    const configured = await fetch(`${base}/sim/config`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ failNext: 1, anomalyRate: 1, ackDelayMs: 0 }),
    });
    expect(configured.status).toBe(200);
    const archive = await buildActeArchive(acteInput());
    expect((await deliver(archive.name, archive.bytes)).status).toBe(503);
    expect(await stats()).toMatchObject({ received: 0 });
    expect((await deliver(archive.name, archive.bytes)).status).toBe(200);
    const { items } = await waitForMail(1);
    expect(items[0]!.kind).toBe('AnomalieActe');
    const message = Buffer.from(items[0]!.files[1]!.contentBase64, 'base64');
    expect(items[0]!.files[1]!.name).toBe('034-491011698-20171207-CL20171227_06-DE-1-3_0.xml');
    expect(await actesSchemaErrors('ano.xml', message)).toEqual([]);

    const held = await fetch(`${base}/sim/config`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ hang: true }),
    });
    expect(held.status).toBe(200);
    const other = await buildActeArchive(acteInput({ sequence: 9, numeroInterne: 'HANG1' }));
    let answered = false;
    const pending = deliver(other.name, other.bytes).then((response) => {
      answered = true;
      return response;
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(answered).toBe(false);
    await fetch(`${base}/sim/config`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ hang: false }),
    });
    expect((await pending).status).toBe(503);
    expect(await stats()).toMatchObject({ received: 1 });

    const bad = await fetch(`${base}/sim/config`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ anomalyRate: 2 }),
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ errors: [{ code: 'SIM.INVALID_CONFIG' }] });
  });

  it('takes an archive but answers too late when asked to, then counts the same bytes again as a retry', async () => {
    await fetch(`${base}/sim/reset`, { method: 'POST' });
    await fetch(`${base}/sim/config`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ slowNext: 1, slowAnswerMs: 60_000 }),
    });
    const archive = await buildActeArchive(acteInput({ sequence: 11, numeroInterne: 'SLOW1' }));
    const gaveUp = await fetch(`${base}/sim/actes/${archive.name}`, {
      method: 'POST',
      headers: { 'content-type': 'application/gzip' },
      body: archive.bytes,
      signal: AbortSignal.timeout(300),
    }).then(
      () => 'answered',
      (error: unknown) => String(error),
    );
    expect(gaveUp).toMatch(/^TimeoutError/);
    expect(await stats()).toMatchObject({ received: 1, retries: 0 });
    expect((await deliver(archive.name, archive.bytes)).status).toBe(200);
    expect(await stats()).toMatchObject({ received: 1, retries: 1, duplicates: 0, conflicts: 0 });
  });
});
