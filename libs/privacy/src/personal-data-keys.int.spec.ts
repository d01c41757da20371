import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '@relais/testing';
import { migratePrivacy, PersonalDataKeys } from './personal-data-keys.js';
import { isPrivacyError, PrivacyErrorCode } from './privacy.errors.js';
import { fieldAad, sealField } from './sealed-field.js';

let db: TestDatabase;
let keys: PersonalDataKeys;

beforeAll(async () => {
  db = await createTestDatabase('relais_privacy');
  await migratePrivacy(db.pool);
  await migratePrivacy(db.pool);
  keys = new PersonalDataKeys(db.pool);
});

afterAll(async () => {
  await db.drop();
});

async function refusal(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a refusal');
}

const request = { at: new Date('2036-03-01T12:00:00.000Z'), reason: 'retention period of 3650 days ended', requestedBy: 'relais' };

describe('the key store', () => {
  it('makes a subject’s key once, also when asked concurrently', async () => {
    const all = await Promise.all(Array.from({ length: 8 }, () => keys.keyFor('subject-a')));
    expect(all[0]?.length).toBe(32);
    for (const key of all) expect(key.equals(all[0] as Buffer)).toBe(true);
    expect((await keys.keyFor('subject-b')).equals(all[0] as Buffer)).toBe(false);
    const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM personal_data_keys');
    expect(rows[0]).toEqual({ n: 2 });
  });

  it('opens fields from a ring of several subjects read at once', async () => {
    const key = await keys.keyFor('subject-c');
    const sealed = sealField(key, 'Mme Durand', fieldAad('subject-c', 'submission.objet'));
    const ring = await keys.ring(['subject-c', 'subject-a', 'nobody']);
    expect(ring.reveal('subject-c', 'submission.objet', sealed)).toBe('Mme Durand');
    expect(ring.open('nobody', 'submission.objet', sealed)).toEqual({ ok: false, reason: 'no_key' });
  });

  it('destroys a key once its shredding was asked, for good', async () => {
    const key = await keys.keyFor('subject-d');
    const sealed = sealField(key, 'M. Martin', fieldAad('subject-d', 'submission.objet'));
    expect(await keys.unfinished(10)).toEqual([]);
    const asked = await keys.requestShred('subject-d', request);
    expect(asked).toEqual({ subjectId: 'subject-d', requestedAt: request.at, reason: request.reason, requestedBy: 'relais', hadKey: true });
    expect(await keys.requestShred('subject-d', { ...request, reason: 'another', requestedBy: 'token:x' })).toEqual(asked);
    expect(await keys.unfinished(10)).toEqual([asked]);
    // Asked, not yet destroyed: what is stored still opens, nothing new is sealed.
    expect((await keys.ring(['subject-d'])).reveal('subject-d', 'submission.objet', sealed)).toBe('M. Martin');
    expect(isPrivacyError(await refusal(() => keys.keyFor('subject-d')), PrivacyErrorCode.Shredded)).toBe(true);

    const done = await keys.destroy('subject-d');
    expect(done.shreddedAt).toBeInstanceOf(Date);
    expect(await keys.destroy('subject-d')).toEqual(done);
    expect(await keys.unfinished(10)).toEqual([]);
    expect((await keys.ring(['subject-d'])).open('subject-d', 'submission.objet', sealed)).toEqual({ ok: false, reason: 'shredded' });
    expect(isPrivacyError(await refusal(() => keys.keyFor('subject-d')), PrivacyErrorCode.Shredded)).toBe(true);
    const { rows } = await db.pool.query<{ key: Buffer | null }>("SELECT key FROM personal_data_keys WHERE subject_id = 'subject-d'");
    expect(rows).toEqual([{ key: null }]);
  });

  it('keeps a tombstone for a subject shredded before it had a key, so none is made after', async () => {
    expect(await keys.requestShred('legacy', request)).toMatchObject({ hadKey: false });
    expect(await keys.destroy('legacy')).toMatchObject({ hadKey: false });
    expect(isPrivacyError(await refusal(() => keys.keyFor('legacy')), PrivacyErrorCode.Shredded)).toBe(true);
  });

  it('refuses to destroy a key whose shredding was not asked', async () => {
    await keys.keyFor('subject-e');
    expect(await refusal(() => keys.destroy('subject-e'))).toBeInstanceOf(Error);
  });

  it('only forgets: a key is never changed nor restored, a row never deleted, a request never undone', async () => {
    const statements = [
      "UPDATE personal_data_keys SET key = decode(repeat('00', 32), 'hex') WHERE subject_id = 'subject-a'",
      "UPDATE personal_data_keys SET key = decode(repeat('00', 32), 'hex') WHERE subject_id = 'subject-d'",
      "UPDATE personal_data_keys SET shredded_at = NULL, shred_requested_at = NULL, reason = NULL, requested_by = NULL WHERE subject_id = 'subject-d'",
      "UPDATE personal_data_keys SET reason = 'other' WHERE subject_id = 'subject-d'",
      "UPDATE personal_data_keys SET had_key = true WHERE subject_id = 'legacy'",
      "DELETE FROM personal_data_keys WHERE subject_id = 'subject-d'",
    ];
    for (const sql of statements) {
      await expect(db.pool.query(sql)).rejects.toThrow(/personal_data_keys/);
    }
  });
});
