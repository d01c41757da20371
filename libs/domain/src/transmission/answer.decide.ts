import { sameValue } from '../shared/same-value.js';
import type { RecordAcknowledgment, RecordNack, RecordPartialAcceptance } from './transmission.commands.js';
import { TransmissionError, TransmissionErrorCode } from './transmission.errors.js';
import type {
  TransmissionAcknowledged,
  TransmissionNacked,
  TransmissionPartiallyAccepted,
} from './transmission.events.js';
import { conflict, existing, invalidCommand, kindMismatch, requireStatus } from './transmission.guards.js';
import type { StateAnswer, Transmission, TransmissionState } from './transmission.state.js';
import { nackSourceKinds, type PesOutcome } from './transmission.values.js';

/*
 * The State answers once. Its answer is taken whenever something was delivered, even after an attempt
 * was reported failed or delivery was given up: a late answer still tells the truth about the
 * transmission. The same answer again records nothing; a different one is a conflict.
 */
function alreadyAnswered(
  t: Transmission,
  command: RecordAcknowledgment | RecordNack | RecordPartialAcceptance,
  answer: StateAnswer,
): boolean {
  if (t.answer === undefined) {
    requireStatus(t, command, ['sent', 'routed', 'failed']);
    if (t.sent.length === 0) {
      throw new TransmissionError(
        TransmissionErrorCode.InvalidTransition,
        `${command.type} is not allowed: nothing of transmission ${t.id} was delivered to the State yet`,
      );
    }
    return false;
  }
  if (sameValue(t.answer, answer)) return true;
  throw conflict(t, command, `the State already answered ${t.answer.status}`);
}

/** Records the State's acknowledgment (1-2 ARActe for an acte, PES_Acquit for a PES file). */
export function recordAcknowledgment(
  command: RecordAcknowledgment,
  state: TransmissionState,
): TransmissionAcknowledged[] {
  const t = existing(state, command);
  const { transmissionId, at, acknowledgment } = command.data;
  if (acknowledgment.kind !== t.submission.kind) {
    throw kindMismatch(t, command, `a ${acknowledgment.kind} acknowledgment`);
  }
  if (acknowledgment.kind === 'acte' && acknowledgment.idActe === '') {
    throw invalidCommand(command, 'an ARActe always carries the IDActe, and an annulation will need it');
  }
  if (acknowledgment.kind === 'pes' && acknowledgment.outcomes.some((outcome) => !outcome.accepted)) {
    throw invalidCommand(command, 'an acquittal that refuses elements is a partial acceptance');
  }
  if (alreadyAnswered(t, command, { status: 'acknowledged', acknowledgment })) return [];
  return [{ type: 'TransmissionAcknowledged', data: { transmissionId, at, acknowledgment } }];
}

/** Records the State's refusal of the whole transmission. */
export function recordNack(command: RecordNack, state: TransmissionState): TransmissionNacked[] {
  const t = existing(state, command);
  const { transmissionId, at, source, reasonCode, detail, outcomes } = command.data;
  if (!nackSourceKinds[source].includes(t.submission.kind)) throw kindMismatch(t, command, `a refusal from ${source}`);
  if (outcomes !== undefined && outcomes.length > 0) {
    if (t.submission.kind !== 'pes') throw kindMismatch(t, command, 'only a PES file has verdicts per element');
    if (outcomes.some((outcome) => outcome.accepted)) {
      throw invalidCommand(command, 'a refusal of the whole file accepts no element: that is a partial acceptance');
    }
  }
  const detailed = outcomes !== undefined && outcomes.length > 0 ? { outcomes } : {};
  if (alreadyAnswered(t, command, { status: 'nacked', source, reasonCode, detail, ...detailed })) return [];
  return [{ type: 'TransmissionNacked', data: { transmissionId, at, source, reasonCode, detail, ...detailed } }];
}

/** Records a PES acquittal that takes some elements and refuses others. */
export function recordPartialAcceptance(
  command: RecordPartialAcceptance,
  state: TransmissionState,
): TransmissionPartiallyAccepted[] {
  const t = existing(state, command);
  const { transmissionId, at, outcomes } = command.data;
  if (t.submission.kind !== 'pes') throw kindMismatch(t, command, 'only a PES file is accepted in part');
  if (!isPartial(outcomes)) {
    throw invalidCommand(command, 'a partial acceptance has at least one accepted and one refused element');
  }
  if (alreadyAnswered(t, command, { status: 'partially_accepted', outcomes })) return [];
  return [{ type: 'TransmissionPartiallyAccepted', data: { transmissionId, at, outcomes } }];
}

function isPartial(outcomes: readonly PesOutcome[]): boolean {
  return outcomes.some((outcome) => outcome.accepted) && outcomes.some((outcome) => !outcome.accepted);
}
