import { encodeCheckpoint, type StoredEvent } from '@relais/event-store';
import { encodeJson, type EventEnvelope } from '../envelope.js';
import { RelaisHeaders } from '../headers.js';
import type { OutgoingMessage } from '../publish.js';
import type { MessagingNames } from '../subjects.js';

/** Chooses the subject of an event; the default is {@link defaultEventSubject}. */
export type EventSubjectMapper = (event: StoredEvent, names: MessagingNames) => string;

/**
 * `<ns>.v1.evt.<category>.<type>` with the category taken from the stream id as `<category>-<id>`
 * (`acte-42` → `acte`), the convention of the event store's streams.
 */
export const defaultEventSubject: EventSubjectMapper = (event, names) => {
  const dash = event.streamId.indexOf('-');
  const category = dash > 0 ? event.streamId.slice(0, dash) : event.streamId;
  return names.event(category, event.type);
};

/** The envelope of a stored event (bigints as strings). */
export function toEnvelope(event: StoredEvent): EventEnvelope {
  return {
    eventId: event.eventId,
    streamId: event.streamId,
    streamVersion: event.streamVersion.toString(),
    type: event.type,
    data: event.data,
    metadata: event.metadata,
    recordedAt: event.recordedAt.toISOString(),
    position: encodeCheckpoint({ transactionId: event.transactionId, globalPosition: event.globalPosition }),
  };
}

/** The message the relay publishes for an event: msg id = event id, type and position in headers. */
export function toOutgoing(event: StoredEvent, names: MessagingNames, subjectFor: EventSubjectMapper): OutgoingMessage {
  const envelope = toEnvelope(event);
  return {
    subject: subjectFor(event, names),
    payload: encodeJson(envelope),
    msgId: event.eventId,
    headers: { [RelaisHeaders.TYPE]: event.type, [RelaisHeaders.POSITION]: envelope.position },
  };
}
