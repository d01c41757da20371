import { fromStored, storedTypeOf, type TransmissionEvent } from '@relais/domain';
import { DecodeError, eventPattern, subjectToken, type EventEnvelope, type SubjectPattern } from '@relais/messaging';

/** The stream category of transmissions: the relay publishes their events under `<ns>.v1.evt.transmission.*`. */
export const TRANSMISSION_CATEGORY = 'transmission';

/**
 * The wire type name writers use for a domain event type (`TransmissionReceived` →
 * `relais.transmission.v1.TransmissionReceived`; a type whose shape changed names its latest version,
 * docs/event-versioning.md).
 */
export function transmissionWireType(type: TransmissionEvent['type']): string {
  return storedTypeOf(type);
}

/** The event-log stream of a transmission. */
export function transmissionStreamId(transmissionId: string): string {
  return `${TRANSMISSION_CATEGORY}-${transmissionId}`;
}

/** The subject filter of one transmission event type, or of all of them. */
export function transmissionEvents(type?: TransmissionEvent['type']): SubjectPattern {
  return eventPattern(TRANSMISSION_CATEGORY, type === undefined ? undefined : transmissionWireType(type));
}

/** The subject token the relay gives an event type (dots become `_`), for matching a received subject. */
export function transmissionSubjectToken(type: TransmissionEvent['type']): string {
  return subjectToken(transmissionWireType(type));
}

/**
 * A relayed envelope as a domain event; what cannot be decoded is a {@link DecodeError}, which the
 * consumer runner dead-letters instead of retrying.
 */
export function decodeTransmissionEvent(envelope: EventEnvelope): TransmissionEvent {
  try {
    return fromStored(envelope.type, envelope.data);
  } catch (error) {
    throw new DecodeError(`Not a transmission event: ${envelope.type}`, { cause: error });
  }
}
