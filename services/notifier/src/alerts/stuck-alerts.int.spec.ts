import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { toStored, type TransmissionEvent } from '@relais/domain';
import { acte, eventsOf, otherSiren, pes, siren } from '@relais/domain/testing';
import { migrate, type StoredEvent, withTransaction } from '@relais/event-store';
import { migrateReadModels, projectStatsEvents } from '@relais/read-models';
import { migrateWebhooks } from '@relais/service-kit';
import { createTestDatabase, type TestDatabase } from '@relais/testing';
import nodemailer from 'nodemailer';
import { SmtpReceiver } from '../../test/smtp-receiver.js';
import { migrateNotifier } from '../deliveries/delivery-outbox.js';
import { StuckAlerter, type StuckAlertSettings } from './stuck-alerter.js';

const HOUR = 3_600_000;
const now = new Date();
const ago = (ms: number) => new Date(now.getTime() - ms);
let db: TestDatabase;
let receiver: SmtpReceiver;
let position = 0;

/** Folds events into the statistics as the projector does, each recorded at `at`. */
async function project(streamId: string, events: [TransmissionEvent, Date][]): Promise<void> {
  const stored: StoredEvent[] = events.map(([event, at], i) => {
    position++;
    return { globalPosition: BigInt(position), transactionId: 1n, streamId, streamVersion: BigInt(i + 1), eventId: randomUUID(), ...toStored(event), metadata: {}, recordedAt: at, hash: Buffer.alloc(32) };
  });
  await withTransaction(db.pool, (client) => projectStatsEvents(client, stored, { notify: false }));
}

function alerter(settings: Partial<StuckAlertSettings> = {}): StuckAlerter {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: receiver.port, secure: false, ignoreTLS: true });
  return new StuckAlerter(db.pool, { afterMs: 48 * HOUR, scanMs: 60_000, to: ['supervision@gip.example.org', 'astreinte@gip.example.org'], from: 'relais@gip.example.org', ...settings }, transport);
}

beforeAll(async () => {
  db = await createTestDatabase('relais_stuck_alerts');
  for (const step of [migrate, migrateWebhooks, migrateReadModels, migrateNotifier]) await step(db.pool);
  receiver = new SmtpReceiver();
  await receiver.start();
});

afterAll(async () => {
  await receiver.stop();
  await db.drop();
});

beforeEach(async () => {
  receiver.mails.length = 0;
  receiver.refuseWith = undefined;
  await db.pool.query('TRUNCATE stuck_alerts, stats_transmissions, stats_transitions');
});

describe('alerts about stuck transmissions', () => {
  it('e-mails the supervisors exactly once about a transmission stuck longer than the threshold, whatever the rounds and replicas', async () => {
    const stuck = eventsOf(`stuck-${randomUUID()}`);
    await project('t-stuck', [[stuck.received(), ago(60 * HOUR)], [stuck.validated(), ago(59 * HOUR)], [stuck.routed(), ago(59 * HOUR)], [stuck.sent(), ago(50 * HOUR)]]);
    // Sent only 10 hours ago, and one that ended: neither is stuck.
    const young = eventsOf(`young-${randomUUID()}`);
    await project('t-young', [[young.received(), ago(11 * HOUR)], [young.validated(), ago(11 * HOUR)], [young.routed(), ago(11 * HOUR)], [young.sent(), ago(10 * HOUR)]]);
    const done = eventsOf(`done-${randomUUID()}`, otherSiren);
    await project('t-done', [[done.received(pes), ago(90 * HOUR)], [done.validated(), ago(90 * HOUR)], [done.routed('helios'), ago(90 * HOUR)], [done.sent(), ago(89 * HOUR)], [done.acknowledged(), ago(80 * HOUR)]]);

    // Two replicas, two rounds each, at once.
    const [a, b] = [alerter(), alerter()];
    const rounds = await Promise.all([a.round(now), b.round(now), a.round(now), b.round(now)]);
    expect(rounds.reduce((n, r) => n + r.sent, 0)).toBe(1);
    expect(receiver.mails).toHaveLength(1);
    const [mail] = receiver.mails;
    expect(mail?.to).toBe('supervision@gip.example.org, astreinte@gip.example.org');
    expect(mail?.subject).toBe(`[Relais] L’acte ${acte.numeroInterne} (SIREN ${siren}) est bloqué depuis 50 h`);
    expect(mail?.text).toContain('envoyée, en attente de l’accusé de réception');
    expect(mail?.messageId).toMatch(/^<stuck\..+@gip\.example\.org>$/);
    expect((await a.round(now)).sent).toBe(0);

    // It moves on, then stalls again further on: a new stall, a new alert.
    await project('t-stuck', [[stuck.acknowledged(), ago(49 * HOUR)]]);
    expect((await a.round(now)).sent).toBe(0);
    expect(receiver.mails).toHaveLength(1);
  });

  it('tries again in the next round when the SMTP server refuses, and drops an alert whose transmission moved on meanwhile', async () => {
    const [first, second] = [eventsOf(`r1-${randomUUID()}`), eventsOf(`r2-${randomUUID()}`)];
    await project('t-r1', [[first.received(), ago(72 * HOUR)]]);
    await project('t-r2', [[second.received(), ago(72 * HOUR)]]);
    receiver.refuseWith = 451;
    const refused = await alerter().round(now);
    expect(refused).toMatchObject({ found: 2, sent: 0, failed: 2 });
    const { rows } = await db.pool.query<{ attempts: number; last_error: string }>('SELECT attempts, last_error FROM stuck_alerts ORDER BY transmission_id');
    expect(rows.map((r) => r.attempts)).toEqual([1, 1]);
    expect(rows[0]?.last_error).toMatch(/451/);

    await project('t-r2', [[second.validated(), ago(HOUR)]]);
    receiver.refuseWith = undefined;
    expect(await alerter().round(now)).toMatchObject({ found: 0, sent: 1, failed: 0, movedOn: 1 });
    expect(receiver.mails.map((m) => m.subject)).toEqual([expect.stringContaining('est bloqué depuis 72 h')]);
  });

  it('waits for the threshold it is given', async () => {
    const t = eventsOf(`threshold-${randomUUID()}`);
    await project('t-threshold', [[t.received(), ago(2 * HOUR)]]);
    expect((await alerter().round(now)).found).toBe(0);
    expect((await alerter({ afterMs: HOUR }).round(now)).sent).toBe(1);
  });
});
