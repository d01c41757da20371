import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { isDomainError, type TransmissionCommand } from '@relais/domain';
import { acte, at, siren } from '@relais/domain/testing';
import { migrate, PostgresEventStore, WrongExpectedVersionError } from '@relais/event-store';
import { createTestDatabase, type TestDatabase } from '@relais/testing';
import { TransmissionCommands } from './transmission-commands.js';
import { transmissionStreamId } from './transmission-stream.js';

let db: TestDatabase;
let store: PostgresEventStore;

beforeAll(async () => {
  db = await createTestDatabase();
  await migrate(db.pool);
  store = new PostgresEventStore(db.pool);
});
afterAll(async () => {
  await store.close();
  await db.drop();
});

const submit = (transmissionId: string): TransmissionCommand => ({ type: 'SubmitActe', data: { transmissionId, at, siren, acte } });
const validate = (transmissionId: string): TransmissionCommand => ({ type: 'RecordValidation', data: { transmissionId, at, errors: [] } });

describe('TransmissionCommands', () => {
  it('records the decided events in the transmission stream, and nothing when the fact is repeated', async () => {
    const commands = new TransmissionCommands(store);
    const id = randomUUID();
    const first = await commands.execute(submit(id), { actor: 'token-1' });
    expect(first.events.map((e) => e.type)).toEqual(['TransmissionReceived']);
    expect(first.state.status).toBe('received');

    const again = await commands.execute(submit(id));
    expect(again.events).toEqual([]);
    const stored = await store.readStream(transmissionStreamId(id));
    expect(stored).toHaveLength(1);
    expect(stored[0]?.metadata).toEqual({ command: 'SubmitActe', actor: 'token-1' });
    expect((await commands.load(id)).version).toBe(1n);
  });

  it('throws the domain refusal with its stable code, recording nothing', async () => {
    const commands = new TransmissionCommands(store);
    const id = randomUUID();
    const refused = await commands.execute(validate(id)).catch((error: unknown) => error);
    expect(isDomainError(refused)).toBe(true);
    expect((refused as { code: string }).code).toMatch(/^TRANSMISSION\./);
    expect(await store.readStream(transmissionStreamId(id))).toEqual([]);
  });

  it('decides again when another writer moved the stream first, so concurrent handlers each record their fact once', async () => {
    const id = randomUUID();
    await new TransmissionCommands(store).execute(submit(id));
    // Ten writers race to record the same verdict: exactly one TransmissionValidated ends up recorded.
    const results = await Promise.all(Array.from({ length: 10 }, () => new TransmissionCommands(store).execute(validate(id))));
    expect(results.filter((r) => r.events.length === 1)).toHaveLength(1);
    const types = (await store.readStream(transmissionStreamId(id))).map((e) => e.type);
    expect(types).toEqual(['relais.transmission.v1.TransmissionReceived', 'relais.transmission.v1.TransmissionValidated']);
  });

  it('fails loudly when conflicts outlast the retry budget', async () => {
    const id = randomUUID();
    await new TransmissionCommands(store).execute(submit(id));
    const noRetry = new TransmissionCommands(store, { maxConflictRetries: 0 });
    const outcomes = await Promise.allSettled(Array.from({ length: 6 }, () => noRetry.execute(validate(id))));
    const rejected = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    // Every loser either saw the winner's event before deciding (nothing to record) or lost the append race.
    for (const failure of rejected) expect(failure.reason).toBeInstanceOf(WrongExpectedVersionError);
    expect((await store.readStream(transmissionStreamId(id))).length).toBe(2);
  });

  it('gives deterministic event ids for a causation, so a repeated execution is an idempotent replay at the store', async () => {
    const id = randomUUID();
    const commands = new TransmissionCommands(store);
    await commands.execute(submit(id), { causationId: 'msg-42' });
    const [event] = await store.readStream(transmissionStreamId(id));
    const replay = await store.append(transmissionStreamId(id), 'any', [
      { eventId: event?.eventId ?? '', type: event?.type ?? '', data: event?.data ?? {}, metadata: event?.metadata ?? {} },
    ]);
    expect(replay.idempotentReplay).toBe(true);
    expect(event?.metadata).toMatchObject({ causationId: 'msg-42' });
  });
});
