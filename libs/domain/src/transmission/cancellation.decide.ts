import type { RecordCancellation, RequestCancellation } from './transmission.commands.js';
import { TransmissionError, TransmissionErrorCode } from './transmission.errors.js';
import type { TransmissionCancellationRequested, TransmissionCancelled } from './transmission.events.js';
import { conflict, existing, idActeOf, requireStatus } from './transmission.guards.js';
import type { Transmission, TransmissionState } from './transmission.state.js';

function notAllowed(t: Transmission, why: string): TransmissionError {
  const message = `Transmission ${t.id} cannot be cancelled: ${why}`;
  return new TransmissionError(TransmissionErrorCode.CancellationNotAllowed, message);
}

/**
 * Asks to cancel an acte. The @ctes 6-1 Annulation names the acte by the IDActe of its AR, so only an
 * acknowledged acte can be cancelled; Hélios has no cancellation at all. Asking again records nothing.
 */
export function requestCancellation(
  command: RequestCancellation,
  state: TransmissionState,
): TransmissionCancellationRequested[] {
  const t = existing(state, command);
  if (t.submission.kind === 'pes') throw notAllowed(t, 'a PES file has no cancellation');
  if (t.cancellation !== undefined) return [];
  if (t.status !== 'acknowledged') {
    throw notAllowed(t, `it is ${t.status}, and only an acknowledged acte has an IDActe`);
  }
  const idActe = idActeOf(t);
  if (idActe === undefined) throw notAllowed(t, 'the préfecture gave no IDActe');
  const { transmissionId, at, requestedBy } = command.data;
  return [{ type: 'TransmissionCancellationRequested', data: { transmissionId, at, requestedBy, idActe } }];
}

/** Records the préfecture's 6-2, which answers the 6-1 recorded as sent for this acte's IDActe. */
export function recordCancellation(command: RecordCancellation, state: TransmissionState): TransmissionCancelled[] {
  const t = existing(state, command);
  if (t.submission.kind === 'pes') throw notAllowed(t, 'a PES file has no cancellation');
  const { transmissionId, at, idActe } = command.data;
  if (t.cancellation === undefined) {
    throw new TransmissionError(
      TransmissionErrorCode.InvalidTransition,
      `RecordCancellation is not allowed: no cancellation of transmission ${t.id} was requested`,
    );
  }
  if (idActe !== t.cancellation.idActe) {
    throw conflict(t, command, `the annulation was asked for ${t.cancellation.idActe}`);
  }
  if (t.status === 'cancelled') return [];
  requireStatus(t, command, ['acknowledged']);
  if (t.cancellation.sent === undefined) {
    // The 6-2 answers a 6-1 the platform records as sent: read before that record, it waits for it.
    throw new TransmissionError(
      TransmissionErrorCode.InvalidTransition,
      `RecordCancellation is not allowed yet: the 6-1 of transmission ${t.id} is not recorded as sent`,
    );
  }
  return [{ type: 'TransmissionCancelled', data: { transmissionId, at, idActe } }];
}
