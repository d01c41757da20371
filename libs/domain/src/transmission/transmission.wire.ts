import * as wire from '@relais/contracts';
import { assertNever } from '../shared/assert-never.js';
import type { Instant } from '../shared/message.types.js';
import { TransmissionError, TransmissionErrorCode } from './transmission.errors.js';
import type { TransmissionEvent } from './transmission.events.js';
import type {
  Acknowledgment,
  ActeNature,
  ActeSubmission,
  Channel,
  ErrorDetail,
  FileRef,
  LetterCode,
  NackSource,
  OutboundMessageCode,
  PersonalField,
  PesOutcome,
  PesSubmission,
  ReplyCode,
  ReplyReceiptCode,
  Submission,
} from './transmission.values.js';
import { failureCodeOf, letterCodes, outboundMessageCodes, personalFields, replyCodes, replyReceiptCodes } from './transmission.values.js';
import { upcast } from './transmission.upcasters.js';

/*
 * The one place where domain events meet the generated protobuf types (relais.transmission.v1). The
 * domain keeps its own types so that a new version of the wire contract changes this file and an
 * upcaster, never the decisions.
 */

/** An event as the log stores it: the protobuf message's full name and its protobuf JSON form. */
export interface WireEvent {
  readonly type: string;
  readonly data: wire.JsonObject;
}

/* Tables rather than switches: typed by the domain union, they cannot miss a member, and reading
   them backwards refuses any wire value (UNSPECIFIED, a number from a newer schema) they lack. */
const natures: Readonly<Record<ActeNature, wire.ActeNature>> = {
  DE: wire.ActeNature.DE,
  AR: wire.ActeNature.AR,
  AI: wire.ActeNature.AI,
  CC: wire.ActeNature.CC,
  BF: wire.ActeNature.BF,
  AU: wire.ActeNature.AU,
};
const channels: Readonly<Record<Channel, wire.Channel>> = {
  actes: wire.Channel.ACTES,
  helios: wire.Channel.HELIOS,
};
const nackSources: Readonly<Record<NackSource, wire.NackSource>> = {
  acte_anomaly: wire.NackSource.ACTE_ANOMALY,
  envelope_anomaly: wire.NackSource.ENVELOPE_ANOMALY,
  pes_nack: wire.NackSource.PES_NACK,
};

/** Converts a domain event to its stored form. */
export function toStored(event: TransmissionEvent): WireEvent {
  const { transmissionId } = event.data;
  const at = timestamp(event.data.at);
  switch (event.type) {
    case 'TransmissionReceived': {
      const { siren, submission: s } = event.data;
      const submission =
        s.kind === 'acte' ? { case: s.kind, value: acteOut(s) } : { case: s.kind, value: pesOut(s) };
      return stored(wire.TransmissionReceivedSchema, { transmissionId, at, siren, submission });
    }
    case 'TransmissionValidated':
      return stored(wire.TransmissionValidatedSchema, { transmissionId, at });
    case 'TransmissionRejected':
      return stored(wire.TransmissionRejectedSchema, { ...event.data, at, errors: [...event.data.errors] });
    case 'TransmissionRouted':
      return stored(wire.TransmissionRoutedSchema, { ...event.data, at, channel: channels[event.data.channel] });
    case 'TransmissionPackaged':
      return stored(wire.TransmissionPackagedSchema, { ...event.data, at, size: BigInt(event.data.size) });
    case 'TransmissionSent':
      return stored(wire.TransmissionSentSchema, { ...event.data, at });
    case 'TransmissionDeliveryDeferred':
      return stored(wire.TransmissionDeliveryDeferredSchema, { ...event.data, at, until: timestamp(event.data.until) });
    case 'TransmissionDeliveryAttemptFailed': {
      const { nextAttemptAt } = event.data;
      const next = nextAttemptAt === undefined ? undefined : timestamp(nextAttemptAt);
      return stored(wire.TransmissionDeliveryAttemptFailedSchema, { ...event.data, at, nextAttemptAt: next });
    }
    case 'TransmissionFailed':
      return stored(wire.v2.TransmissionFailedSchema, { ...event.data, at });
    case 'TransmissionRetryRequested':
      return stored(wire.TransmissionRetryRequestedSchema, { ...event.data, at });
    case 'TransmissionAcknowledged': {
      const a = event.data.acknowledgment;
      const acknowledgment =
        a.kind === 'acte'
          ? { case: a.kind, value: { idActe: a.idActe, dateReception: a.dateReception } }
          : { case: a.kind, value: { outcomes: a.outcomes.map(outcomeOut) } };
      return stored(wire.TransmissionAcknowledgedSchema, { transmissionId, at, acknowledgment });
    }
    case 'TransmissionNacked':
      return stored(wire.TransmissionNackedSchema, {
        ...event.data,
        at,
        source: nackSources[event.data.source],
        outcomes: (event.data.outcomes ?? []).map(outcomeOut),
      });
    case 'TransmissionPartiallyAccepted': {
      const outcomes = event.data.outcomes.map(outcomeOut);
      return stored(wire.TransmissionPartiallyAcceptedSchema, { ...event.data, at, outcomes });
    }
    case 'TransmissionCancellationRequested':
      return stored(wire.TransmissionCancellationRequestedSchema, { ...event.data, at });
    case 'TransmissionCancelled':
      return stored(wire.TransmissionCancelledSchema, { ...event.data, at });
    case 'TransmissionLetterReceived':
      return stored(wire.TransmissionLetterReceivedSchema, { ...event.data, at, documents: event.data.documents.map(fileOut) });
    case 'TransmissionReplyRequested':
      return stored(wire.TransmissionReplyRequestedSchema, { ...event.data, at, documents: event.data.documents.map(fileOut) });
    case 'TransmissionMessageSent':
      return stored(wire.TransmissionMessageSentSchema, { ...event.data, at });
    case 'TransmissionReplyAcknowledged':
      return stored(wire.TransmissionReplyAcknowledgedSchema, { ...event.data, at });
    case 'PersonalDataShredded':
      return stored(wire.PersonalDataShreddedSchema, { ...event.data, at, fields: [...event.data.fields] });
    default:
      return assertNever(event);
  }
}

/**
 * Converts a stored event back to a domain event, upcast first to its type's latest version (an event
 * stored under an older one is read in the shape of the newest). Refuses, with TRANSMISSION.UNDECODABLE_EVENT, an
 * unknown type, data that is not the type's protobuf JSON (an unknown field, a wrong type) and data
 * that lacks what the domain needs (no time, an UNSPECIFIED enum, no submission).
 */
export function fromStored(type: string, data: unknown): TransmissionEvent {
  const latest = upcast(type, data);
  const decode = decoders.get(latest.type);
  if (decode === undefined) throw undecodable(type, 'unknown event type');
  try {
    return decode(latest.data as wire.JsonValue);
  } catch (error) {
    throw undecodable(type, error instanceof Error ? error.message : String(error), error);
  }
}

type Decoder = (data: wire.JsonValue) => TransmissionEvent;
type Init<Desc extends wire.DescMessage> = wire.MessageInitShape<Desc>;

function decoder<Desc extends wire.DescMessage>(
  schema: Desc,
  map: (m: wire.MessageShape<Desc>) => TransmissionEvent,
): [string, Decoder] {
  return [schema.typeName, (data) => map(wire.fromJson(schema, data))];
}

const decoders = new Map<string, Decoder>([
  decoder(wire.TransmissionReceivedSchema, (m) => ({
    type: 'TransmissionReceived',
    data: { ...fact(m), siren: m.siren, submission: submissionIn(m.submission) },
  })),
  decoder(wire.TransmissionValidatedSchema, (m) => ({ type: 'TransmissionValidated', data: fact(m) })),
  decoder(wire.TransmissionRejectedSchema, (m) => ({
    type: 'TransmissionRejected',
    data: { ...fact(m), errors: m.errors.map(errorIn) },
  })),
  decoder(wire.TransmissionRoutedSchema, (m) => ({
    type: 'TransmissionRouted',
    data: { ...fact(m), endpointId: m.endpointId, channel: backwards(channels, m.channel, 'channel') },
  })),
  decoder(wire.TransmissionPackagedSchema, (m) => ({
    type: 'TransmissionPackaged',
    data: { ...fact(m), fileName: m.fileName, sha256: m.sha256, size: safeSize(m.size) },
  })),
  decoder(wire.TransmissionSentSchema, (m) => ({
    type: 'TransmissionSent',
    data: { ...fact(m), attempt: m.attempt, fileName: m.fileName, sha256: m.sha256 },
  })),
  decoder(wire.TransmissionDeliveryDeferredSchema, (m) => ({
    type: 'TransmissionDeliveryDeferred',
    data: { ...fact(m), until: instant(required(m.until, 'until')), reason: m.reason },
  })),
  decoder(wire.TransmissionDeliveryAttemptFailedSchema, (m) => ({
    type: 'TransmissionDeliveryAttemptFailed',
    data: {
      ...fact(m),
      attempt: m.attempt,
      retryable: m.retryable,
      reason: m.reason,
      ...(m.nextAttemptAt === undefined ? {} : { nextAttemptAt: instant(m.nextAttemptAt) }),
    },
  })),
  // v1 TransmissionFailed is upcast to v2 before it gets here (transmission.upcasters.ts).
  decoder(wire.v2.TransmissionFailedSchema, (m) => ({
    type: 'TransmissionFailed',
    data: { ...fact(m), attempts: m.attempts, code: m.code === '' ? failureCodeOf(m.reason) : m.code, reason: m.reason },
  })),
  decoder(wire.TransmissionRetryRequestedSchema, (m) => ({
    type: 'TransmissionRetryRequested',
    data: { ...fact(m), requestedBy: m.requestedBy },
  })),
  decoder(wire.TransmissionAcknowledgedSchema, (m) => ({
    type: 'TransmissionAcknowledged',
    data: { ...fact(m), acknowledgment: acknowledgmentIn(m.acknowledgment) },
  })),
  decoder(wire.TransmissionNackedSchema, (m) => ({
    type: 'TransmissionNacked',
    data: {
      ...fact(m),
      source: backwards(nackSources, m.source, 'source'),
      reasonCode: m.reasonCode,
      detail: m.detail,
      ...(m.outcomes.length === 0 ? {} : { outcomes: m.outcomes.map(outcomeIn) }),
    },
  })),
  decoder(wire.TransmissionPartiallyAcceptedSchema, (m) => ({
    type: 'TransmissionPartiallyAccepted',
    data: { ...fact(m), outcomes: m.outcomes.map(outcomeIn) },
  })),
  decoder(wire.TransmissionCancellationRequestedSchema, (m) => ({
    type: 'TransmissionCancellationRequested',
    data: { ...fact(m), requestedBy: m.requestedBy, idActe: m.idActe },
  })),
  decoder(wire.TransmissionCancelledSchema, (m) => ({
    type: 'TransmissionCancelled',
    data: { ...fact(m), idActe: m.idActe },
  })),
  decoder(wire.TransmissionLetterReceivedSchema, (m) => ({
    type: 'TransmissionLetterReceived',
    data: {
      ...fact(m),
      exchange: exchangeNumber(m.exchange),
      code: oneOf<LetterCode>(letterCodes, m.code, 'code'),
      messageId: m.messageId,
      dateCourrierPref: m.dateCourrierPref,
      text: m.text,
      documents: m.documents.map(fileIn),
    },
  })),
  decoder(wire.TransmissionReplyRequestedSchema, (m) => ({
    type: 'TransmissionReplyRequested',
    data: {
      ...fact(m),
      exchange: exchangeNumber(m.exchange),
      code: oneOf<ReplyCode>(replyCodes, m.code, 'code'),
      requestedBy: m.requestedBy,
      documents: m.documents.map(fileIn),
    },
  })),
  decoder(wire.TransmissionMessageSentSchema, (m) => ({
    type: 'TransmissionMessageSent',
    data: {
      ...fact(m),
      code: oneOf<OutboundMessageCode>(outboundMessageCodes, m.code, 'code'),
      ...optional('exchange', m.exchange === undefined ? undefined : exchangeNumber(m.exchange)),
      fileName: m.fileName,
      sha256: m.sha256,
    },
  })),
  decoder(wire.TransmissionReplyAcknowledgedSchema, (m) => ({
    type: 'TransmissionReplyAcknowledged',
    data: {
      ...fact(m),
      exchange: exchangeNumber(m.exchange),
      code: oneOf<ReplyReceiptCode>(replyReceiptCodes, m.code, 'code'),
      messageId: m.messageId,
      dateReception: m.dateReception,
    },
  })),
  decoder(wire.PersonalDataShreddedSchema, (m) => ({
    type: 'PersonalDataShredded',
    data: {
      ...fact(m),
      fields: m.fields.map((field) => oneOf<PersonalField>(personalFields, field, 'field')),
      reason: m.reason,
      requestedBy: m.requestedBy,
    },
  })),
]);

function oneOf<T extends string>(values: readonly T[], value: string, field: string): T {
  const found = values.find((candidate) => candidate === value);
  if (found === undefined) throw new Error(`${field} ${JSON.stringify(value)} is not one of ${values.join(', ')}`);
  return found;
}

function exchangeNumber(value: number): number {
  if (value < 1) throw new Error('exchange is missing');
  return value;
}

function stored<Desc extends wire.DescMessage>(schema: Desc, init: Init<Desc>): WireEvent {
  // The JSON form of a message (as opposed to a well-known type's special form) is always an object.
  return { type: schema.typeName, data: wire.toJson(schema, wire.create(schema, init)) as wire.JsonObject };
}

function undecodable(type: string, reason: string, cause?: unknown): TransmissionError {
  const message = `Cannot decode a ${type} event: ${reason}`;
  return new TransmissionError(TransmissionErrorCode.UndecodableEvent, message, { cause });
}

function required<T>(value: T | undefined, field: string): T {
  if (value === undefined) throw new Error(`${field} is missing`);
  return value;
}

function backwards<K extends string>(table: Readonly<Record<K, number>>, value: number, field: string): K {
  const found = (Object.keys(table) as K[]).find((key) => table[key] === value);
  if (found === undefined) throw new Error(`${field} ${value} is not a known value`);
  return found;
}

function timestamp(value: Instant): wire.Timestamp {
  return wire.timestampFromDate(new Date(value));
}

function instant(value: wire.Timestamp): Instant {
  return wire.timestampDate(value).toISOString();
}

function fact(m: { transmissionId: string; at?: wire.Timestamp | undefined }): { transmissionId: string; at: Instant } {
  if (m.transmissionId === '') throw new Error('transmissionId is missing');
  return { transmissionId: m.transmissionId, at: instant(required(m.at, 'at')) };
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

function fileOut(f: FileRef): Init<typeof wire.FileRefSchema> {
  const { signature, ...rest } = f;
  return { ...rest, size: BigInt(f.size), ...(signature === undefined ? {} : { signature: fileOut(signature) }) };
}

function safeSize(size: bigint): number {
  if (size > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error(`file size ${size} is out of range`);
  return Number(size);
}

function fileIn(f: wire.FileRef | undefined): FileRef {
  const { sha256, size, name, mediaType, signature } = required(f, 'file');
  safeSize(size);
  return { sha256, size: Number(size), name, mediaType, ...(signature === undefined ? {} : { signature: fileIn(signature) }) };
}

function acteOut(a: ActeSubmission): Init<typeof wire.ActeSubmissionSchema> {
  const { numeroInterne, dateDecision, classification, objet, documentPapier } = a;
  return {
    numeroInterne,
    dateDecision,
    nature: natures[a.nature],
    classification,
    objet,
    documentPapier,
    typePj: a.typePJ,
    document: fileOut(a.document),
    annexes: a.annexes.map((annexe) => ({ file: fileOut(annexe.file), typePj: annexe.typePJ })),
    classificationDateVersion: a.classificationDateVersion,
  };
}

function acteIn(a: wire.ActeSubmission): ActeSubmission {
  const { numeroInterne, dateDecision, classification, objet, documentPapier, typePj, nature, document, annexes, classificationDateVersion } = a;
  return {
    kind: 'acte',
    numeroInterne,
    dateDecision,
    nature: backwards(natures, nature, 'nature'),
    classification,
    objet,
    documentPapier,
    ...optional('typePJ', typePj),
    document: fileIn(document),
    annexes: annexes.map((annexe) => ({ file: fileIn(annexe.file), ...optional('typePJ', annexe.typePj) })),
    ...optional('classificationDateVersion', classificationDateVersion),
  };
}

function pesOut(p: PesSubmission): Init<typeof wire.PesSubmissionSchema> {
  const { nomFic, codCol, codBud, idPost, idColl } = p;
  return { nomFic, codCol, codBud, idPost, idColl, file: fileOut(p.file) };
}

function pesIn(p: wire.PesSubmission): PesSubmission {
  const { nomFic, codCol, codBud, idPost, idColl, file } = p;
  return { kind: 'pes', nomFic, codCol, ...optional('codBud', codBud), idPost, idColl, file: fileIn(file) };
}

function errorIn(e: wire.ErrorDetail): ErrorDetail {
  return { code: e.code, message: e.message, ...optional('field', e.field) };
}

function outcomeOut(o: PesOutcome): Init<typeof wire.PesOutcomeSchema> {
  const e = o.element;
  const element =
    e.kind === 'bordereau'
      ? { case: 'bordereau' as const, value: { exercice: e.exercice, numBord: e.numBord } }
      : { case: 'pjIdUnique' as const, value: e.idUnique };
  return { element, accepted: o.accepted, errors: [...o.errors] };
}

function outcomeIn(o: wire.PesOutcome): PesOutcome {
  const e = o.element;
  const element =
    e.case === 'bordereau'
      ? { kind: 'bordereau' as const, exercice: e.value.exercice, numBord: e.value.numBord }
      : { kind: 'pj' as const, idUnique: required(e.value, 'element') };
  return { element, accepted: o.accepted, errors: o.errors.map(errorIn) };
}

function submissionIn(s: wire.TransmissionReceived['submission']): Submission {
  switch (s.case) {
    case 'acte':
      return acteIn(s.value);
    case 'pes':
      return pesIn(s.value);
    case undefined:
      throw new Error('submission is missing');
    default:
      return assertNever(s);
  }
}

function acknowledgmentIn(a: wire.TransmissionAcknowledged['acknowledgment']): Acknowledgment {
  switch (a.case) {
    case 'acte':
      return { kind: 'acte', idActe: a.value.idActe, dateReception: a.value.dateReception };
    case 'pes':
      return { kind: 'pes', outcomes: a.value.outcomes.map(outcomeIn) };
    case undefined:
      throw new Error('acknowledgment is missing');
    default:
      return assertNever(a);
  }
}
