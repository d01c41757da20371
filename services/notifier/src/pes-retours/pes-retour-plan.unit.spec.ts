import { describe, expect, it } from '@jest/globals';
import type { JsonObject, StoredEvent } from '@relais/event-store';
import { PES_RETOUR_RECEIVED } from '@relais/service-kit';
import { pesRetourBody, pesRetourNotificationsOf, type PesRetourBody } from './pes-retour-plan.js';

/** A collectivité's PES_Retour stream as the log stores it: one arrival per entry, versions from 1. */
function history(files: readonly string[]): StoredEvent[] {
  return files.map((fileName, i) => {
    // The stored form: relais.pes.v1.PesRetourReceived as protobuf JSON (int64 as a string).
    const data: JsonObject = {
      siren: '212102313',
      at: new Date(Date.UTC(2026, 0, 5, 9, 0, i)).toISOString(),
      retourId: `r-${i + 1}`,
      siret: '21210231300013',
      fileName,
      nomFic: `RETOUR_${i + 1}`,
      idPost: '021000',
      codCol: '001',
      sha256: 'a'.repeat(64),
      size: '1200',
    };
    return {
      globalPosition: BigInt(i + 1),
      transactionId: BigInt(i + 1),
      streamId: 'pesretours-212102313',
      streamVersion: BigInt(i + 1),
      eventId: `r-${i + 1}`,
      type: PES_RETOUR_RECEIVED,
      data,
      metadata: {},
      recordedAt: new Date(Date.UTC(2026, 0, 5, 9, 0, i, 500)),
      hash: Buffer.alloc(32),
    };
  });
}

describe('which PES_Retour arrivals a collectivité’s webhooks hear of', () => {
  it('each one, on the line of the collectivité’s retours, in stream order', () => {
    const plan = pesRetourNotificationsOf(history(['R1.xml', 'R2.xml']));
    expect(plan.map((n) => [n.line, n.sequence, n.eventId, n.retour.fileName])).toEqual([
      ['pesretours-212102313', 1, 'r-1', 'R1.xml'],
      ['pesretours-212102313', 2, 'r-2', 'R2.xml'],
    ]);
    expect(pesRetourNotificationsOf(history(['R1.xml']))).toEqual(pesRetourNotificationsOf(history(['R1.xml'])));
  });

  it('writes a body naming the delivery, the event and the retour, with where to fetch it', () => {
    const [arrival] = pesRetourNotificationsOf(history(['R1.xml']));
    const body = JSON.parse(pesRetourBody('d-1', 'w-1', arrival!)) as PesRetourBody;
    expect(body).toEqual({
      deliveryId: 'd-1',
      webhookId: 'w-1',
      event: {
        id: 'r-1',
        type: 'PesRetourReceived',
        at: '2026-01-05T09:00:00.000Z',
        recordedAt: '2026-01-05T09:00:00.500Z',
        data: expect.objectContaining({ retourId: 'r-1', fileName: 'R1.xml', size: '1200' }),
      },
      retour: {
        id: 'r-1',
        siren: '212102313',
        receivedAt: '2026-01-05T09:00:00.000Z',
        siret: '21210231300013',
        fileName: 'R1.xml',
        nomFic: 'RETOUR_1',
        idPost: '021000',
        codCol: '001',
        size: 1200,
        sha256: 'a'.repeat(64),
        href: '/api/v1/pes/retours/r-1/file',
      },
    });
  });
});
