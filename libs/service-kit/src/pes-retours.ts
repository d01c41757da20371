import {
  create,
  fromJson,
  PesRetourReceivedSchema,
  timestampDate,
  timestampFromDate,
  toJson,
  type JsonValue,
} from '@relais/contracts';
import { WrongExpectedVersionError, type JsonObject, type PostgresEventStore } from '@relais/event-store';
import { eventPattern, type SubjectPattern } from '@relais/messaging';
import { deterministicUuid } from './transmission-commands.js';

/** The stream category of the PES_Retour files kept for collectivités: `pesretours-<siren>`. */
export const PES_RETOURS_CATEGORY = 'pesretours';

/** The stored type of a PES_Retour's arrival. */
export const PES_RETOUR_RECEIVED = PesRetourReceivedSchema.typeName;

/** A PES_Retour kept for a collectivité (API.md: delivered through the API and the webhooks). */
export interface PesRetour {
  readonly id: string;
  readonly siren: string;
  /** When it was collected from the DGFiP. */
  readonly receivedAt: string;
  readonly siret: string;
  readonly fileName: string;
  readonly nomFic: string;
  readonly idPost: string;
  readonly codCol: string;
  readonly sha256: string;
  readonly size: number;
}

export function pesRetoursStreamId(siren: string): string {
  return `${PES_RETOURS_CATEGORY}-${siren}`;
}

/** The subject pattern of PES_Retour arrivals, for consumers (the notifier). */
export function pesRetourEvents(): SubjectPattern {
  return eventPattern(PES_RETOURS_CATEGORY, PES_RETOUR_RECEIVED);
}

/** A stored PesRetourReceived's data as a {@link PesRetour}. */
export function pesRetourFromData(data: JsonObject): PesRetour {
  const m = fromJson(PesRetourReceivedSchema, data as JsonValue);
  return {
    id: m.retourId,
    siren: m.siren,
    receivedAt: m.at === undefined ? '' : timestampDate(m.at).toISOString(),
    siret: m.siret,
    fileName: m.fileName,
    nomFic: m.nomFic,
    idPost: m.idPost,
    codCol: m.codCol,
    sha256: m.sha256,
    size: Number(m.size),
  };
}

/** Every PES_Retour kept for `siren`, oldest first. */
export async function listPesRetours(store: PostgresEventStore, siren: string): Promise<PesRetour[]> {
  const events = await store.readStream(pesRetoursStreamId(siren));
  return events.filter((event) => event.type === PES_RETOUR_RECEIVED).map((event) => pesRetourFromData(event.data));
}

/**
 * Records a PES_Retour for its collectivité, once: the retour's id and the event's id both derive from
 * `messageId` (the file's name on the DGFiP's server), so recording it again after a crash, from any
 * replica, returns the first record and appends nothing. Store the file's bytes first.
 */
export async function recordPesRetour(
  store: PostgresEventStore,
  retour: Omit<PesRetour, 'id' | 'receivedAt'> & { readonly messageId: string; readonly receivedAt?: string },
  maxConflictRetries = 8,
): Promise<PesRetour> {
  const id = deterministicUuid(`pes-retour|${retour.siren}|${retour.messageId}`);
  const receivedAt = retour.receivedAt ?? new Date().toISOString();
  for (let attempt = 0; ; attempt += 1) {
    const existing = await store.readStream(pesRetoursStreamId(retour.siren));
    const known = existing.find((event) => event.type === PES_RETOUR_RECEIVED && event.data['retourId'] === id);
    if (known !== undefined) return pesRetourFromData(known.data);
    const message = create(PesRetourReceivedSchema, {
      siren: retour.siren,
      at: timestampFromDate(new Date(receivedAt)),
      retourId: id,
      siret: retour.siret,
      fileName: retour.fileName,
      nomFic: retour.nomFic,
      idPost: retour.idPost,
      codCol: retour.codCol,
      sha256: retour.sha256,
      size: BigInt(retour.size),
    });
    const data = toJson(PesRetourReceivedSchema, message) as JsonObject;
    const version = existing.at(-1)?.streamVersion;
    try {
      await store.append(pesRetoursStreamId(retour.siren), version === undefined ? 'no_stream' : version, [
        { eventId: id, type: PES_RETOUR_RECEIVED, data, metadata: { actor: 'transmitter', causationId: `pes-retour:${retour.messageId}` } },
      ]);
    } catch (error) {
      if (error instanceof WrongExpectedVersionError && attempt < maxConflictRetries) continue;
      throw error;
    }
    return pesRetourFromData(data);
  }
}
