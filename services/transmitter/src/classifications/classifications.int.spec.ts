import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { buffer } from 'node:stream/consumers';
import { parseRetourClassification, unpackArchive, type UnpackedFile } from '@relais/actes';
import type { ClassificationRequest } from '@relais/domain';
import { waitFor } from '@relais/service-kit/testing';
import { DEFAULT_CLASSIFICATION_DATE } from '../config.js';
import { Platform, SIREN, only } from '../../test/harness.js';

/** A collectivité asks for its classification (7-1); the préfecture answers 7-3 or 7-2, which the next actes declare. */
describe('relais-transmitter classification (7-1 / 7-2 / 7-3)', () => {
  let platform: Platform;

  beforeAll(async () => {
    platform = await Platform.start();
    await platform.startTransmitter();
  });

  afterAll(async () => {
    await platform.close();
  });

  /** Asks for the classification as the gateway does, and waits for the préfecture's answer to be recorded. */
  async function ask(): Promise<ClassificationRequest> {
    const requestId = randomUUID();
    await platform.classifications.execute({
      type: 'RequestClassification',
      data: { siren: SIREN, at: new Date().toISOString(), requestId, requestedBy: 'token-test' },
    });
    return waitFor(`classification request ${requestId} answered`, async () => {
      const request = (await platform.classifications.load(SIREN)).state.requests.find((r) => r.id === requestId);
      return request?.answer !== undefined && request;
    });
  }

  async function filesOf(archiveName: string): Promise<UnpackedFile[]> {
    const bytes = await platform.sim.received(archiveName);
    if (bytes === undefined) throw new Error(`the simulator has no ${archiveName}`);
    return unpackArchive(bytes, { maxInflatedBytes: 1 << 24, maxEntries: 100 });
  }

  /** The ClassificationDateVersion of the 1-1 the simulator received for a new acknowledged acte. */
  async function declaredVersion(numeroInterne: string): Promise<string | undefined> {
    const { id } = await platform.acknowledgedActe(numeroInterne);
    const { fileName } = only(await platform.events(id), 'TransmissionPackaged').data;
    const acte = (await filesOf(fileName)).find((file) => file.name.endsWith('-1-1_0.xml'))?.content.toString('latin1') ?? '';
    return /<actes:ClassificationDateVersion>([0-9-]+)<\/actes:ClassificationDateVersion>/.exec(acte)?.[1];
  }

  it('asks with the default’s date and records the 7-3, then records the newer 7-2, which the next acte declares', async () => {
    const unchanged = await ask();
    expect(unchanged.answer).toMatchObject({ code: '7-3', dateClassification: DEFAULT_CLASSIFICATION_DATE });
    const first = (await filesOf(unchanged.sent?.fileName ?? '')).find((file) => file.name === `021-${SIREN}----7-1_1.xml`);
    expect(first?.content.toString('latin1')).toContain(`<actes:DateClassification>${DEFAULT_CLASSIFICATION_DATE}</actes:DateClassification>`);
    expect((await platform.classifications.load(SIREN)).state.current).toBeUndefined();

    // The simulator counts a second 7-1 of a SIREN with the same date on the same day as a duplicate, left
    // unanswered: it starts afresh, as on another day. Its message numbers start again too, so the acte
    // sent first takes the number of the 7-3 (an answer whose name was recorded already is one read twice).
    await platform.sim.reset();
    await platform.sim.configure({ classificationDate: '2026-11-01' });
    expect(await declaredVersion('CLASS2026_1')).toBe(DEFAULT_CLASSIFICATION_DATE);

    const received = await ask();
    expect(received.answer).toMatchObject({ code: '7-2', dateClassification: '2026-11-01' });
    const { current } = (await platform.classifications.load(SIREN)).state;
    expect(current).toMatchObject({ dateClassification: '2026-11-01' });
    const retour = await buffer(await platform.blobs.get(current?.sha256 ?? ''));
    expect(parseRetourClassification(retour)).toMatchObject({ version: '2026-11-01' });
    expect(parseRetourClassification(retour).codes.has('7.1')).toBe(true);

    expect(await declaredVersion('CLASS2026_2')).toBe('2026-11-01');
    await waitFor('the mailbox to be empty', async () => (await platform.sim.mailbox()).length === 0);
    const { rows } = await platform.db.pool.query<{ code: string; sent: boolean }>(
      'SELECT code, sent_at IS NOT NULL AS sent FROM transmitter_messages WHERE siren = $1 AND request_id IS NOT NULL',
      [SIREN],
    );
    expect(rows).toEqual([
      { code: '7-1', sent: true },
      { code: '7-1', sent: true },
    ]);
  });
});
