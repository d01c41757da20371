import * as wire from '@relais/contracts';
import { assertNever } from '../shared/assert-never.js';
import type { WireEvent } from '../transmission/transmission.wire.js';
import { ClassificationError, ClassificationErrorCode, type ClassificationEvent } from './classification.js';

/* The classification events' stored form: relais.collectivite.v1 messages, in the collectivité's stream. */

const ts = (at: string): wire.Timestamp => wire.timestampFromDate(new Date(at));

function stored<Desc extends wire.DescMessage>(schema: Desc, init: wire.MessageInitShape<Desc>): WireEvent {
  return { type: schema.typeName, data: wire.toJson(schema, wire.create(schema, init)) as wire.JsonObject };
}

/** Converts a classification event to its stored form. */
export function classificationToStored(event: ClassificationEvent): WireEvent {
  const at = ts(event.data.at);
  switch (event.type) {
    case 'ClassificationRequested':
      return stored(wire.ClassificationRequestedSchema, { ...event.data, at });
    case 'ClassificationRequestSent':
      return stored(wire.ClassificationRequestSentSchema, { ...event.data, at });
    case 'ClassificationReceived':
      return stored(wire.ClassificationReceivedSchema, { ...event.data, at, size: BigInt(event.data.size) });
    case 'ClassificationUnchanged':
      return stored(wire.ClassificationUnchangedSchema, { ...event.data, at });
    default:
      return assertNever(event);
  }
}

/** The stored types of classification events: other events of a collectivité's stream are not these. */
export const CLASSIFICATION_EVENT_TYPES: ReadonlySet<string> = new Set([
  wire.ClassificationRequestedSchema.typeName,
  wire.ClassificationRequestSentSchema.typeName,
  wire.ClassificationReceivedSchema.typeName,
  wire.ClassificationUnchangedSchema.typeName,
]);

/** Converts a stored classification event back; refuses anything else with CLASSIFICATION.UNDECODABLE_EVENT. */
export function classificationFromStored(type: string, data: unknown): ClassificationEvent {
  try {
    const json = data as wire.JsonValue;
    const fact = (m: { siren: string; at?: wire.Timestamp | undefined }) => {
      if (m.at === undefined || m.siren === '') throw new Error('siren or at is missing');
      return { siren: m.siren, at: wire.timestampDate(m.at).toISOString() };
    };
    const link = (requestId: string | undefined) => (requestId === undefined ? {} : { requestId });
    switch (type) {
      case wire.ClassificationRequestedSchema.typeName: {
        const m = wire.fromJson(wire.ClassificationRequestedSchema, json);
        const { requestId, requestedBy, dateClassificationHeld } = m;
        return { type: 'ClassificationRequested', data: { ...fact(m), requestId, requestedBy, dateClassificationHeld } };
      }
      case wire.ClassificationRequestSentSchema.typeName: {
        const m = wire.fromJson(wire.ClassificationRequestSentSchema, json);
        return { type: 'ClassificationRequestSent', data: { ...fact(m), requestId: m.requestId, fileName: m.fileName, sha256: m.sha256 } };
      }
      case wire.ClassificationReceivedSchema.typeName: {
        const m = wire.fromJson(wire.ClassificationReceivedSchema, json);
        const { dateClassification, sha256, messageId } = m;
        return {
          type: 'ClassificationReceived',
          data: { ...fact(m), dateClassification, sha256, size: Number(m.size), messageId, ...link(m.requestId) },
        };
      }
      case wire.ClassificationUnchangedSchema.typeName: {
        const m = wire.fromJson(wire.ClassificationUnchangedSchema, json);
        return {
          type: 'ClassificationUnchanged',
          data: { ...fact(m), dateClassification: m.dateClassification, messageId: m.messageId, ...link(m.requestId) },
        };
      }
      default:
        throw new Error('not a classification event');
    }
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ClassificationError(ClassificationErrorCode.UndecodableEvent, `Cannot decode a ${type} event: ${reason}`, { cause: error });
  }
}
