import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TransmissionError, type ActeSubmission } from '@relais/domain';
import { acte } from '@relais/domain/testing';
import { migrate, PostgresEventStore, verifyHashChain } from '@relais/event-store';
import { TransmissionCommands } from '@relais/service-kit';
import { createTestDatabase, type TestDatabase } from '@relais/testing';
import { PersonalData } from './personal-data.js';
import { migratePrivacy } from './personal-data-keys.js';
import { isPrivacyError, PrivacyErrorCode } from './privacy.errors.js';
import { finishUnfinishedShreds, shredPersonalData } from './shred.js';

let db: TestDatabase;
let store: PostgresEventStore;
let commands: TransmissionCommands;
let privacy: PersonalData;

const objet = 'Arrêté individuel : nomination de Mme Camille Durand';
const personal: ActeSubmission = { ...acte, nature: 'AI', objet };
const at = '2036-03-01T12:00:00.000Z';

beforeAll(async () => {
  db = await createTestDatabase('relais_privacy_shred');
  await migrate(db.pool);
  await migratePrivacy(db.pool);
  store = new PostgresEventStore(db.pool);
  commands = new TransmissionCommands(store);
  privacy = new PersonalData(db.pool);
});

afterAll(async () => {
  await store.close();
  await db.drop();
});

async function submit(id: string, submission: ActeSubmission = personal, sealed = true): Promise<void> {
  const acteToStore = sealed ? await privacy.sealActe(id, submission) : submission;
  await commands.execute({ type: 'SubmitActe', data: { transmissionId: id, at, siren: '212102313', acte: acteToStore } });
}

async function plaintextRows(text: string): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM events WHERE data::text LIKE $1', [`%${text}%`]);
  return rows[0]?.n ?? -1;
}

const shred = (transmissionId: string, reason = 'demande RGPD n° 2036-17', requestedBy = 'token:admin') =>
  ({ type: 'ShredPersonalData', data: { transmissionId, at, reason, requestedBy } }) as const;

async function refusal(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a refusal');
}

describe('shredding a transmission’s personal data', () => {
  it('stores the objet sealed, so that the log never holds it in clear, and a retry is the same submission', async () => {
    await submit('tr-1');
    await submit('tr-1');
    expect(await store.readStream('transmission-tr-1')).toHaveLength(1);
    expect(await plaintextRows('Durand')).toBe(0);
    const { state } = await commands.load('tr-1');
    if (state.status === 'none' || state.submission.kind !== 'acte') throw new Error('no acte');
    expect(await privacy.openActe('tr-1', state.submission)).toEqual(personal);
  });

  it('records PersonalDataShredded, destroys the key, and leaves the chain whole; a second time changes nothing', async () => {
    const outcome = await shredPersonalData({ commands, keys: privacy.keys }, shred('tr-1'));
    expect(outcome).toEqual({
      transmissionId: 'tr-1',
      at,
      fields: ['submission.objet'],
      reason: 'demande RGPD n° 2036-17',
      requestedBy: 'token:admin',
      recorded: true,
      erasedFromLog: true,
    });
    const again = await shredPersonalData({ commands, keys: privacy.keys }, shred('tr-1', 'once more'));
    expect(again).toEqual({ ...outcome, recorded: false });
    const stream = await store.readStream('transmission-tr-1');
    expect(stream.map((e) => e.type)).toEqual(['relais.transmission.v1.TransmissionReceived', 'relais.transmission.v1.PersonalDataShredded']);
    expect(stream[1]?.metadata).toMatchObject({ command: 'ShredPersonalData', actor: 'token:admin' });

    const { state } = await commands.load('tr-1');
    if (state.status === 'none' || state.submission.kind !== 'acte') throw new Error('no acte');
    expect(state.status).toBe('received');
    expect(isPrivacyError(await refusal(() => privacy.openActe('tr-1', state.submission as ActeSubmission)), PrivacyErrorCode.Shredded)).toBe(true);
    expect(isPrivacyError(await refusal(() => privacy.sealActe('tr-1', personal)), PrivacyErrorCode.Shredded)).toBe(true);
    expect(await privacy.sealLetterText('tr-1', 'Motif visant Mme Durand')).toBe('');
    expect(await verifyHashChain(db.pool)).toMatchObject({ ok: true });
  });

  it('refuses an unknown transmission and a bad reason before writing anything', async () => {
    expect(await refusal(() => shredPersonalData({ commands, keys: privacy.keys }, shred('nobody')))).toBeInstanceOf(TransmissionError);
    await submit('tr-2');
    expect(await refusal(() => shredPersonalData({ commands, keys: privacy.keys }, shred('tr-2', '')))).toBeInstanceOf(TransmissionError);
    expect(await privacy.keys.unfinished(10)).toEqual([]);
    expect(await store.readStream('transmission-tr-2')).toHaveLength(1);
  });

  it('finishes a shredding a crash cut after its event, with the first request’s reason', async () => {
    await submit('tr-3');
    // The crash: asked and recorded, key not destroyed.
    await privacy.keys.requestShred('tr-3', { at: new Date(at), reason: 'first reason', requestedBy: 'relais' });
    await commands.execute(shred('tr-3', 'first reason', 'relais'), { causationId: 'personal-data-shredding:tr-3' });
    const [finished] = await finishUnfinishedShreds({ commands, keys: privacy.keys });
    expect(finished).toMatchObject({ transmissionId: 'tr-3', reason: 'first reason', recorded: false });
    expect(await privacy.keys.unfinished(10)).toEqual([]);
    expect((await privacy.ring(['tr-3'])).open('tr-3', 'submission.objet', 'relais:sealed:v1:AAAA')).toEqual({ ok: false, reason: 'shredded' });
    expect((await store.readStream('transmission-tr-3')).map((e) => e.type)).toHaveLength(2);
  });

  it('says when a transmission stored before sealing keeps its fields in clear in the log', async () => {
    await submit('tr-legacy', { ...personal, objet: 'Objet en clair de Mme Legacy' }, false);
    const outcome = await shredPersonalData({ commands, keys: privacy.keys }, shred('tr-legacy'));
    expect(outcome).toMatchObject({ recorded: true, erasedFromLog: false, fields: ['submission.objet'] });
    expect(await plaintextRows('Mme Legacy')).toBe(1);
  });
});
