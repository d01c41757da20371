import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { acte, acteAck, at, letterDocument, otherSiren, siren } from '@relais/domain/testing';
import { migrate, PostgresEventStore } from '@relais/event-store';
import { toEnvelope, type OutboxRelay } from '@relais/messaging';
import { TransmissionCommands } from '@relais/service-kit';
import { quiet, relayEvent, startTestRelay, storedEvent, TEST_LIMITS, waitFor, waitUntilAcked } from '@relais/service-kit/testing';
import { createTestDatabase, createTestNamespace, type TestDatabase, type TestNamespace } from '@relais/testing';
import type pg from 'pg';
import { SmtpReceiver } from '../../test/smtp-receiver.js';
import { AppModule } from '../app.module.js';
import type { NotifierConfig } from '../config.js';
import { NotifierResources } from '../notifier.resources.js';
import { NoticeOutbox } from './notice-outbox.js';
import { NOTICES_CONSUMER, NoticeHandler } from './notice.handler.js';
import { NoticeSender } from './notice-sender.js';

/**
 * The gateway's tables the notifier reads, as its migrations 1764800000000 (users), 1765000000000
 * (notice_preferences) and 1765100000000 (group_id, collectivite_group_members) leave them: the gateway owns and writes them (its notices spec runs the real
 * migrations), and an app does not import another app's code.
 */
async function createGatewayTables(pool: pg.Pool): Promise<void> {
  await pool.query(`
    CREATE TABLE users (
      id                 uuid        PRIMARY KEY,
      email              text        NOT NULL UNIQUE,
      name               text        NOT NULL,
      role               text        NOT NULL CHECK (role IN ('admin', 'collectivite', 'supervisor', 'auditor')),
      siren              text        NULL,
      collectivite_admin boolean     NOT NULL DEFAULT false,
      created_at         timestamptz NOT NULL DEFAULT now(),
      disabled_at        timestamptz NULL,
      group_id           uuid        NULL
    )`);
  await pool.query('CREATE TABLE collectivite_group_members (group_id uuid NOT NULL, siren text NOT NULL, PRIMARY KEY (group_id, siren))');
  await pool.query(`
    CREATE TABLE notice_preferences (
      user_id       uuid        PRIMARY KEY REFERENCES users (id),
      statuses      text[]      NOT NULL DEFAULT '{}',
      message_types text[]      NOT NULL DEFAULT '{}',
      created_at    timestamptz NOT NULL DEFAULT now(),
      updated_at    timestamptz NOT NULL DEFAULT now()
    )`);
}

describe('e-mail notices of named users', () => {
  let db: TestDatabase;
  let ns: TestNamespace;
  let store: PostgresEventStore;
  let commands: TransmissionCommands;
  let relay: OutboxRelay;
  let outbox: NoticeOutbox;
  let app: INestApplicationContext;
  let config: NotifierConfig;
  const receiver = new SmtpReceiver();
  const users = new Map<string, string>();

  /** A named user and what they asked for; returns their id. */
  async function user(email: string, role: string, ofSiren: string | null, statuses: string[], messageTypes: string[] = []): Promise<string> {
    const id = randomUUID();
    await db.pool.query('INSERT INTO users (id, email, name, role, siren) VALUES ($1, $2, $3, $4, $5)', [id, email, email, role, ofSiren]);
    await db.pool.query('INSERT INTO notice_preferences (user_id, statuses, message_types) VALUES ($1, $2, $3)', [id, statuses, messageTypes]);
    users.set(email, id);
    return id;
  }

  /** Records a new acte of `ofSiren`, taken through validation, routing and sending; returns its id. */
  async function sentActe(ofSiren = siren): Promise<string> {
    const id = randomUUID();
    const file = { fileName: `EACT-${id}.tar.gz`, sha256: 'c'.repeat(64) };
    await commands.execute({ type: 'SubmitActe', data: { transmissionId: id, at, siren: ofSiren, acte: { ...acte, numeroInterne: `N${id.slice(0, 8).toUpperCase()}` } } });
    await commands.execute({ type: 'RecordValidation', data: { transmissionId: id, at, errors: [] } });
    await commands.execute({ type: 'Route', data: { transmissionId: id, at, endpointId: 'pref-021', channel: 'actes' } });
    await commands.execute({ type: 'RecordPackage', data: { transmissionId: id, at, ...file, size: 2048 } });
    await commands.execute({ type: 'RecordSent', data: { transmissionId: id, at, attempt: 1, ...file } });
    return id;
  }

  async function acknowledgedActe(ofSiren = siren): Promise<string> {
    const id = await sentActe(ofSiren);
    await commands.execute({ type: 'RecordAcknowledgment', data: { transmissionId: id, at, acknowledgment: acteAck } });
    return id;
  }

  /** Waits until the notices consumer handled every event relayed so far, then until no notice waits. */
  async function settled(): Promise<void> {
    const last = await relayEvent(ns.nc, ns.namespace, await storedEvent(store, await sentActe(otherSiren), 'TransmissionReceived'), `settle-${randomUUID()}`);
    await waitUntilAcked(ns.nc, ns.namespace, NOTICES_CONSUMER, last);
    await waitFor('no notice pending', async () => (await outbox.pendingCount()) === 0);
  }

  beforeAll(async () => {
    db = await createTestDatabase('relais_notices');
    ns = await createTestNamespace();
    await migrate(db.pool);
    await createGatewayTables(db.pool);
    await receiver.start();
    relay = await startTestRelay(db.pool, ns);
    config = {
      databaseUrl: db.url,
      natsUrl: ns.natsUrl,
      namespace: ns.namespace,
      // A refused e-mail is tried again from 50 ms, never more than 400 ms apart.
      delivery: { retryInitialMs: 50, retryMaxMs: 400, giveUpAfterMs: 86_400_000, requestTimeoutMs: 5_000, pollIntervalMs: 50, concurrency: 8, allowPrivateAddresses: true },
      notices: { smtpUrl: receiver.url, from: 'relais@gip.example.org', publicUrl: 'https://relais.gip.example.org' },
    };
    app = await NestFactory.createApplicationContext(AppModule.forConfig(config, { streamLimits: TEST_LIMITS }), quiet());
    store = new PostgresEventStore(db.pool);
    commands = new TransmissionCommands(store);
    outbox = new NoticeOutbox(db.pool);

    await user('alice@dijon.example.org', 'collectivite', siren, ['acknowledged']);
    // Bob did not ask for the AR: for failures and requests for documents.
    await user('bob@dijon.example.org', 'collectivite', siren, ['failed'], ['3-1']);
    await user('carol@besancon.example.org', 'collectivite', otherSiren, ['acknowledged']);
    const dave = await user('dave@dijon.example.org', 'collectivite', siren, ['acknowledged'], ['1-2']);
    await db.pool.query('UPDATE users SET disabled_at = now() WHERE id = $1', [dave]);
    await user('supervision@gip.example.org', 'supervisor', null, ['failed']);
  });

  afterAll(async () => {
    await app.close();
    await relay.stop();
    await store.close();
    await receiver.stop();
    await db.drop();
    await ns.cleanup();
  });

  beforeEach(() => {
    receiver.mails.length = 0;
    receiver.refused = 0;
    receiver.refuseWith = undefined;
  });

  it('e-mails the AR once to the user who asked for acknowledged, even when the event is handled twice; nobody else', async () => {
    const id = await acknowledgedActe();
    const alice = users.get('alice@dijon.example.org') ?? '';
    await waitFor('the AR e-mailed to alice', () => Promise.resolve(receiver.to('alice@dijon.example.org').length > 0));

    // The AR delivered again (a copy of the message past the duplicate window): nothing more is queued.
    const ar = await storedEvent(store, id, 'TransmissionAcknowledged');
    await waitUntilAcked(ns.nc, ns.namespace, NOTICES_CONSUMER, await relayEvent(ns.nc, ns.namespace, ar, `${ar.eventId}-again`));
    // And handled again under the same message id, as after a lost ack.
    const handler = app.get(NoticeHandler);
    expect(await handler.handle(toEnvelope(ar), `${ar.eventId}-again`)).toEqual({ queued: 0 });
    expect(await handler.handle(toEnvelope(ar), `${ar.eventId}-third`)).toEqual({ queued: 0 });
    await settled();

    expect(receiver.mails.map((m) => m.to)).toEqual(['alice@dijon.example.org']);
    const [mail] = receiver.mails;
    expect(mail?.messageId).toBe(`<notice.${ar.eventId}.${alice}@gip.example.org>`);
    expect(mail?.from).toBe('relais@gip.example.org');
    expect(mail?.subject).toBe(`[Relais] Acte N${id.slice(0, 8).toUpperCase()} (SIREN ${siren}) : accusé de réception de l’acte (1-2)`);
    expect(mail?.text).toContain('État de la transmission : acquittée (l’accusé de réception est arrivé)');
    expect(mail?.text).toContain('Pour la suivre : https://relais.gip.example.org/app');
    expect(mail?.text).not.toContain(acte.objet);
    expect(await outbox.ofTransmission(id)).toEqual([{ userId: alice, eventId: ar.eventId, messageId: mail?.messageId, state: 'sent', attempts: 1, lastError: null }]);
  });

  it('e-mails a supervisor the failures of every collectivité, a collectivité’s user those of its own only, a group administrator those of its members', async () => {
    // Two group administrators of an EPCI: one whose group has otherSiren as a member, one whose group has not.
    for (const [email, member] of [
      ['epci@example.org', otherSiren],
      ['epci-elsewhere@example.org', '999999999'],
    ] as const) {
      const id = await user(email, 'collectivite', '200000999', ['failed']);
      const group = randomUUID();
      await db.pool.query('UPDATE users SET group_id = $1 WHERE id = $2', [group, id]);
      await db.pool.query('INSERT INTO collectivite_group_members (group_id, siren) VALUES ($1, $2)', [group, member]);
    }
    const id = await sentActe(otherSiren);
    await commands.execute({ type: 'RecordDeliveryFailure', data: { transmissionId: id, at, attempt: 2, retryable: false, reason: 'refused' } });
    await waitFor('the failure e-mailed to the supervisor and the EPCI', () => Promise.resolve(receiver.to('supervision@gip.example.org').length > 0 && receiver.to('epci@example.org').length > 0));
    await settled();
    const subject = `[Relais] Acte N${id.slice(0, 8).toUpperCase()} (SIREN ${otherSiren}) : en échec (l’envoi a été abandonné après plusieurs essais)`;
    expect(receiver.mails.map((m) => [m.to, m.subject]).sort()).toEqual([
      ['epci@example.org', subject],
      ['supervision@gip.example.org', subject],
    ]);
    expect(receiver.to('supervision@gip.example.org')[0]?.text).toContain('Pour la suivre : https://relais.gip.example.org/dashboard');
    expect(receiver.to('epci@example.org')[0]?.text).toContain('Pour la suivre : https://relais.gip.example.org/app');
  });

  it('tries a refused e-mail again until the SMTP server takes it, and tells a letter without its text', async () => {
    const id = await acknowledgedActe();
    await waitFor('the AR e-mailed', () => Promise.resolve(receiver.to('alice@dijon.example.org').length > 0));
    receiver.refuseWith = 451;
    await commands.execute({
      type: 'RecordLetter',
      data: { transmissionId: id, at, code: '3-1', messageId: `EACT--PREF021-${id}-3-1.tar.gz`, dateCourrierPref: '2026-01-10', text: 'Merci de transmettre l’arrêté de M. Dupont.', documents: [letterDocument] },
    });
    await waitFor('a refusal', () => Promise.resolve(receiver.refused > 0));
    receiver.refuseWith = undefined;
    await waitFor('the letter e-mailed to bob', () => Promise.resolve(receiver.to('bob@dijon.example.org').length > 0));
    await settled();

    const [letter, ...more] = receiver.to('bob@dijon.example.org');
    expect(more).toEqual([]);
    expect(letter?.subject).toContain(': demande de pièces complémentaires (3-1)');
    expect(letter?.text).not.toContain('Dupont');
    const bob = users.get('bob@dijon.example.org');
    const rows = (await outbox.ofTransmission(id)).filter((row) => row.userId === bob);
    expect(rows).toEqual([expect.objectContaining({ state: 'sent', lastError: null })]);
    expect(rows[0]?.attempts).toBe(receiver.refused + 1);
  });

  it('gives up at once on an SMTP 5xx, and cancels a notice whose user was disabled before it could go', async () => {
    receiver.refuseWith = 550;
    const refused = await acknowledgedActe();
    await waitFor('alice’s notice dead', async () => (await outbox.ofTransmission(refused)).some((row) => row.state === 'dead'));
    expect(await outbox.ofTransmission(refused)).toEqual([expect.objectContaining({ state: 'dead', attempts: 1, lastError: expect.stringContaining('550') })]);

    // Refused for now; disabled meanwhile; the server takes mail again: nothing goes to her.
    receiver.refuseWith = 451;
    const id = await acknowledgedActe();
    await waitFor('a refusal', () => Promise.resolve(receiver.refused > 1));
    await db.pool.query('UPDATE users SET disabled_at = now() WHERE email = $1', ['alice@dijon.example.org']);
    receiver.refuseWith = undefined;
    await waitFor('alice’s notice cancelled', async () => (await outbox.ofTransmission(id)).some((row) => row.state === 'cancelled'));
    await settled();
    expect(receiver.mails).toEqual([]);
  });

  it('queues nothing without an SMTP server', async () => {
    const id = await acknowledgedActe(otherSiren);
    await settled();
    const ar = await storedEvent(store, id, 'TransmissionAcknowledged');
    await db.pool.query('DELETE FROM notice_mails WHERE transmission_id = $1', [id]);
    const off = new NoticeHandler({ ...config, notices: undefined }, app.get(NotifierResources), app.get(NoticeSender));
    expect(await off.handle(toEnvelope(ar), `off-${ar.eventId}`)).toEqual({ queued: 0 });
    expect(await outbox.ofTransmission(id)).toEqual([]);
    // The same event with an SMTP server: carol asked for acknowledged.
    expect(await app.get(NoticeHandler).handle(toEnvelope(ar), `on-${ar.eventId}`)).toEqual({ queued: 1 });
    expect((await outbox.ofTransmission(id)).map((row) => row.userId)).toEqual([users.get('carol@besancon.example.org')]);
  });
});
