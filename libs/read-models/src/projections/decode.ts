import { fromStored, type TransmissionEvent } from '@relais/domain';
import type { StoredEvent } from '@relais/event-store';

/** Stored types of transmission events (protobuf full names, every version: v1, v2…) all start with this. */
export const TRANSMISSION_TYPE_PREFIX = 'relais.transmission.';

const decoded = new WeakMap<StoredEvent, TransmissionEvent>();

/**
 * The domain event of a stored transmission event, decoded once per stored object: when several
 * projections fold the same page (a replay), the protobuf decoding, their biggest shared cost, runs once.
 */
export function transmissionEventOf(stored: StoredEvent): TransmissionEvent {
  let event = decoded.get(stored);
  if (event === undefined) {
    event = fromStored(stored.type, stored.data);
    decoded.set(stored, event);
  }
  return event;
}
