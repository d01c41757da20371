import { randomUUID } from 'node:crypto';
import {
  CollectiviteRegisteredSchema,
  create,
  fromJson,
  timestampDate,
  timestampFromDate,
  toJson,
  type JsonValue,
} from '@relais/contracts';
import { WrongExpectedVersionError, type JsonObject, type PostgresEventStore } from '@relais/event-store';

/** The stream category of collectivités. */
export const COLLECTIVITE_CATEGORY = 'collectivite';

/** The stored type of a registration. */
export const COLLECTIVITE_REGISTERED = CollectiviteRegisteredSchema.typeName;

/** One budget that sends PES files (API.md `helios`). */
export interface HeliosBudget {
  readonly idPost: string;
  readonly codCol: string;
  readonly codBud: string;
  readonly siret: string;
}

/** A registered collectivité, as API.md's registration body gives it. */
export interface Collectivite {
  readonly siren: string;
  readonly nom: string;
  readonly departement: string;
  readonly arrondissement: string;
  readonly nature: string;
  readonly helios: readonly HeliosBudget[];
  readonly registeredAt: string;
  readonly registeredBy: string;
}

/** The event-log stream of a collectivité. */
export function collectiviteStreamId(siren: string): string {
  return `${COLLECTIVITE_CATEGORY}-${siren}`;
}

/** A second registration of the same SIREN (API.md: 409). */
export class CollectiviteExistsError extends Error {
  readonly code = 'COLLECTIVITE.ALREADY_REGISTERED';
  constructor(readonly siren: string) {
    super(`A collectivité with SIREN ${siren} is already registered`);
    this.name = 'CollectiviteExistsError';
  }
}

/**
 * Records a collectivité's registration as the first event of its stream; a SIREN already registered
 * is a {@link CollectiviteExistsError}, decided by the log's optimistic concurrency (`no_stream`), so
 * two concurrent registrations cannot both win. Check the fields' shapes before calling.
 */
export async function registerCollectivite(
  store: PostgresEventStore,
  collectivite: Omit<Collectivite, 'registeredAt'> & { readonly registeredAt?: string },
): Promise<Collectivite> {
  const registeredAt = collectivite.registeredAt ?? new Date().toISOString();
  const message = create(CollectiviteRegisteredSchema, {
    siren: collectivite.siren,
    at: timestampFromDate(new Date(registeredAt)),
    nom: collectivite.nom,
    departement: collectivite.departement,
    arrondissement: collectivite.arrondissement,
    nature: collectivite.nature,
    helios: collectivite.helios.map((b) => ({ idPost: b.idPost, codCol: b.codCol, codBud: b.codBud, siret: b.siret })),
    registeredBy: collectivite.registeredBy,
  });
  const data = toJson(CollectiviteRegisteredSchema, message) as JsonObject;
  try {
    await store.append(collectiviteStreamId(collectivite.siren), 'no_stream', [
      { eventId: randomUUID(), type: COLLECTIVITE_REGISTERED, data, metadata: { actor: collectivite.registeredBy } },
    ]);
  } catch (error) {
    if (error instanceof WrongExpectedVersionError) throw new CollectiviteExistsError(collectivite.siren);
    throw error;
  }
  return { ...collectivite, registeredAt: new Date(registeredAt).toISOString() };
}

/** Reads a collectivité from its stream; undefined when the SIREN was never registered. */
export async function loadCollectivite(store: PostgresEventStore, siren: string): Promise<Collectivite | undefined> {
  const events = await store.readStream(collectiviteStreamId(siren));
  const registered = events.find((event) => event.type === COLLECTIVITE_REGISTERED);
  return registered === undefined ? undefined : collectiviteFromData(registered.data);
}

/** A stored registration's data as a {@link Collectivite}. */
export function collectiviteFromData(data: JsonObject): Collectivite {
  const m = fromJson(CollectiviteRegisteredSchema, data as JsonValue);
  return {
    siren: m.siren,
    nom: m.nom,
    departement: m.departement,
    arrondissement: m.arrondissement,
    nature: m.nature,
    helios: m.helios.map((b) => ({ idPost: b.idPost, codCol: b.codCol, codBud: b.codBud, siret: b.siret })),
    registeredAt: m.at === undefined ? '' : timestampDate(m.at).toISOString(),
    registeredBy: m.registeredBy,
  };
}
