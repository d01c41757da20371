import { expect } from '@jest/globals';
import { DeciderSpecification } from '@relais/testing';
import { acte, acteAck, at, bordereauAccepted, idActe, invalidObjet, pes, pjRefused, siren } from '../src/testing/index.js';
import { TransmissionError, type TransmissionErrorCode } from '../src/transmission/transmission.errors.js';
import type {
  TransmissionAcknowledged,
  TransmissionDeliveryAttemptFailed,
  TransmissionDeliveryDeferred,
  TransmissionEvent,
  TransmissionFailed,
  TransmissionNacked,
  TransmissionPartiallyAccepted,
  TransmissionReceived,
  TransmissionRouted,
  TransmissionSent,
} from '../src/transmission/transmission.events.js';
import type { TransmissionCommand } from '../src/transmission/transmission.commands.js';
import { transmissionDecider } from '../src/transmission/transmission.decider.js';
import type { Acknowledgment, Channel, Submission } from '../src/transmission/transmission.values.js';

/** Given/when/then over the transmission decider. */
export const spec = DeciderSpecification.for(transmissionDecider);

/** The fixture's transmission; the sample values come from the domain's testing entry. */
export const id = 'tr-0001';
export { acte, acteAck, at, bordereauAccepted, idActe, invalidObjet, pes, pjRefused, siren } from '../src/testing/index.js';
export const later = '2026-01-05T09:05:00.000Z';

export const received = (submission: Submission = acte): TransmissionReceived => ({
  type: 'TransmissionReceived',
  data: { transmissionId: id, at, siren, submission },
});
export const validated = (): TransmissionEvent => ({ type: 'TransmissionValidated', data: { transmissionId: id, at } });
export const rejected = (errors = [invalidObjet]): TransmissionEvent => ({
  type: 'TransmissionRejected',
  data: { transmissionId: id, at, errors },
});
export const routed = (channel: Channel = 'actes', endpointId = 'prefecture-021'): TransmissionRouted => ({
  type: 'TransmissionRouted',
  data: { transmissionId: id, at, endpointId, channel },
});
export const sent = (attempt = 1): TransmissionSent => ({
  type: 'TransmissionSent',
  data: { transmissionId: id, at, attempt, fileName: 'SLO-EACT--212102313--20260105-1.tar.gz', sha256: 'c'.repeat(64) },
});
export const packaged = (): TransmissionEvent => ({
  type: 'TransmissionPackaged',
  data: { transmissionId: id, at, fileName: 'SLO-EACT--212102313--20260105-1.tar.gz', sha256: 'c'.repeat(64), size: 4096 },
});
export const deferred = (until = later, reason = 'window of prefecture-021 full'): TransmissionDeliveryDeferred => ({
  type: 'TransmissionDeliveryDeferred',
  data: { transmissionId: id, at, until, reason },
});
export const attemptFailed = (attempt = 1): TransmissionDeliveryAttemptFailed => ({
  type: 'TransmissionDeliveryAttemptFailed',
  data: { transmissionId: id, at, attempt, retryable: true, reason: 'HTTP 503', nextAttemptAt: later },
});
export const failed = (attempts = 1): TransmissionFailed => ({
  type: 'TransmissionFailed',
  data: { transmissionId: id, at, attempts, code: 'DELIVERY.FAILED', reason: 'retry budget spent' },
});
export const retryRequested = (): TransmissionEvent => ({
  type: 'TransmissionRetryRequested',
  data: { transmissionId: id, at, requestedBy: 'token-supervisor' },
});
export const acknowledged = (acknowledgment: Acknowledgment = acteAck): TransmissionAcknowledged => ({
  type: 'TransmissionAcknowledged',
  data: { transmissionId: id, at, acknowledgment },
});
export const nacked = (): TransmissionNacked => ({
  type: 'TransmissionNacked',
  data: { transmissionId: id, at, source: 'acte_anomaly', reasonCode: '003', detail: 'classification inconnue' },
});
export const partiallyAccepted = (): TransmissionPartiallyAccepted => ({
  type: 'TransmissionPartiallyAccepted',
  data: { transmissionId: id, at, outcomes: [bordereauAccepted, pjRefused] },
});
export const cancellationRequested = (): TransmissionEvent => ({
  type: 'TransmissionCancellationRequested',
  data: { transmissionId: id, at, requestedBy: 'token-dijon', idActe },
});
export const cancelled = (): TransmissionEvent => ({
  type: 'TransmissionCancelled',
  data: { transmissionId: id, at, idActe },
});

type CommandOf<T extends TransmissionCommand['type']> = Extract<TransmissionCommand, { type: T }>;

/** A command about the fixture's transmission, observed at `at`. */
export function command<T extends TransmissionCommand['type']>(
  type: T,
  data: Omit<CommandOf<T>['data'], 'transmissionId' | 'at'>,
): CommandOf<T> {
  // TypeScript cannot follow a generic discriminant through the spread; the parameter types hold it.
  return { type, data: { transmissionId: id, at, ...data } } as unknown as CommandOf<T>;
}

/* Histories that reach each stage. */
export const acteValidated = [received(acte), validated()];
export const acteRouted = [...acteValidated, routed()];
export const acteSent = [...acteRouted, sent(1)];
export const acteFailed = [...acteRouted, attemptFailed(1), failed(1)];
export const acteAcknowledged = [...acteSent, acknowledged()];
export const pesSent = [received(pes), validated(), routed('helios', 'helios-021000'), sent(1)];

/** A check for `thenThrows`: a TransmissionError with this code. */
export function withCode(code: TransmissionErrorCode) {
  return (error: unknown): void => {
    expect(error).toBeInstanceOf(TransmissionError);
    expect((error as TransmissionError).code).toBe(code);
  };
}

/* The exchanges after the AR (2-1…5-1 and the answers). */
export const letterPdf = { sha256: '1'.repeat(64), size: 2048, name: '021-212102313-20260104-DEL2026_001-DE-3-1_1.pdf', mediaType: 'application/pdf' };
export const replyPdf = { sha256: '2'.repeat(64), size: 4096, name: 'pieces.pdf', mediaType: 'application/pdf' };
export const letterReceived = (
  code: '2-1' | '3-1' | '4-1' | '5-1' = '3-1',
  exchange = 1,
  messageId = `EACT--PREF021-212102313-20260110-${exchange}.tar.gz`,
): TransmissionEvent => ({
  type: 'TransmissionLetterReceived',
  data: { transmissionId: id, at, exchange, code, messageId, dateCourrierPref: '2026-01-10', text: 'Merci de transmettre le plan.', documents: [letterPdf] },
});
export const replyRequested = (
  code: '2-2' | '3-2' | '3-3' | '3-4' | '4-2' | '4-3' | '4-4',
  exchange = 1,
  documents = code.endsWith('-2') && code !== '2-2' ? [] : [replyPdf],
): TransmissionEvent => ({
  type: 'TransmissionReplyRequested',
  data: { transmissionId: id, at, exchange, code, requestedBy: code === '3-2' || code === '4-2' ? 'relais' : 'token-dijon', documents },
});
export const messageSent = (
  code: '2-2' | '3-2' | '3-3' | '3-4' | '4-2' | '4-3' | '4-4' | '6-1',
  exchange = 1,
  fileName = 'SLO-EACT--212102313--20260111-2.tar.gz',
): TransmissionEvent => ({
  type: 'TransmissionMessageSent',
  data:
    code === '6-1'
      ? { transmissionId: id, at, code, fileName, sha256: 'd'.repeat(64) }
      : { transmissionId: id, at, code, exchange, fileName, sha256: 'd'.repeat(64) },
});
export const replyAcknowledged = (code: '3-5' | '4-5' = '3-5', exchange = 1): TransmissionEvent => ({
  type: 'TransmissionReplyAcknowledged',
  data: { transmissionId: id, at, exchange, code, messageId: 'EACT--PREF021-212102313-20260112-3.tar.gz', dateReception: '2026-01-12' },
});

/** Its personal data shredded (the objet only, by default). */
export const personalDataShredded = (
  fields: readonly ('submission.objet' | 'letters.text')[] = ['submission.objet'],
  reason = 'retention period of 3650 days ended',
  requestedBy = 'relais',
): TransmissionEvent => ({
  type: 'PersonalDataShredded',
  data: { transmissionId: id, at: later, fields, reason, requestedBy },
});
