import { expect } from '@jest/globals';
import { DeciderSpecification } from '@relais/testing';
import { TransmissionError, type TransmissionErrorCode } from '../src/transmission/transmission.errors.js';
import type {
  TransmissionAcknowledged,
  TransmissionDeliveryAttemptFailed,
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
import type {
  Acknowledgment,
  ActeAcknowledgment,
  ActeSubmission,
  Channel,
  ErrorDetail,
  PesOutcome,
  PesSubmission,
  Submission,
} from '../src/transmission/transmission.values.js';

/** Given/when/then over the transmission decider. */
export const spec = DeciderSpecification.for(transmissionDecider);

export const id = 'tr-0001';
export const siren = '212102313';
export const at = '2026-01-05T09:00:00.000Z';
export const later = '2026-01-05T09:05:00.000Z';

export const acte: ActeSubmission = {
  kind: 'acte',
  numeroInterne: 'DEL2026_001',
  dateDecision: '2026-01-04',
  nature: 'DE',
  classification: '7.1',
  objet: 'Budget primitif 2026',
  documentPapier: false,
  document: { sha256: 'a'.repeat(64), size: 182_044, name: 'budget.pdf', mediaType: 'application/pdf' },
  annexes: [],
};

export const pes: PesSubmission = {
  kind: 'pes',
  nomFic: 'PESALR2_21210231300013_260105_001',
  codCol: '001',
  codBud: '01',
  idPost: '021000',
  idColl: '21210231300013',
  file: { sha256: 'b'.repeat(64), size: 40_960, name: 'pes.xml', mediaType: 'application/xml' },
};

export const idActe = '021-212102313-20260104-DEL2026_001-DE';
export const acteAck: ActeAcknowledgment = { kind: 'acte', idActe, dateReception: '2026-01-05' };
export const invalidObjet: ErrorDetail = {
  code: 'ACTE.OBJET_TOO_LONG',
  message: 'objet has 612 characters',
  field: 'objet',
};
export const bordereauAccepted: PesOutcome = {
  element: { kind: 'bordereau', exercice: 2026, numBord: '12' },
  accepted: true,
  errors: [],
};
export const pjRefused: PesOutcome = {
  element: { kind: 'pj', idUnique: 'PJ-0042' },
  accepted: false,
  errors: [{ code: 'ERREUR_PJ', message: 'pièce justificative illisible' }],
};

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
