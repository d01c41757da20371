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
  data: { transmissionId: id, at, attempts, reason: 'retry budget spent' },
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
