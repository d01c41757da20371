import type { DeferDelivery, GiveUp, RecordDeliveryFailure, RecordPackage, RecordSent, Retry } from './transmission.commands.js';
import type {
  TransmissionDeliveryAttemptFailed,
  TransmissionDeliveryDeferred,
  TransmissionFailed,
  TransmissionPackaged,
  TransmissionRetryRequested,
  TransmissionSent,
} from './transmission.events.js';
import { conflict, existing, invalidCommand, requireStatus } from './transmission.guards.js';
import type { TransmissionState } from './transmission.state.js';
import { TransmissionError, TransmissionErrorCode } from './transmission.errors.js';
import { failureCodeOf } from './transmission.values.js';

/*
 * Attempts are numbered from 1 and the numbers only grow, across retries too: an attempt number names
 * one delivery for good, which is what lets a repeated report be recognised as such.
 */
function requireAttemptNumber(command: RecordSent | RecordDeliveryFailure): void {
  const { attempt } = command.data;
  if (!Number.isSafeInteger(attempt) || attempt < 1) {
    throw invalidCommand(command, `attempt ${attempt} is not a whole number from 1`);
  }
}

/**
 * Records the file built for delivery. It is recorded once, before the first attempt: the same file
 * again records nothing, another file is a conflict (a second archive would be a second acte at the
 * State).
 */
export function recordPackage(command: RecordPackage, state: TransmissionState): TransmissionPackaged[] {
  const t = existing(state, command);
  const { transmissionId, at, fileName, sha256, size } = command.data;
  const known = t.package;
  if (known !== undefined) {
    if (known.fileName === fileName && known.sha256 === sha256 && known.size === size) return [];
    throw conflict(t, command, `the file to deliver is already ${known.fileName} (${known.sha256})`);
  }
  requireStatus(t, command, ['routed']);
  if (fileName === '' || !/^[0-9a-f]{64}$/.test(sha256) || !Number.isSafeInteger(size) || size < 1) {
    throw invalidCommand(command, 'a packaged file needs a name, a lower-case SHA-256 and a size from 1 byte');
  }
  return [{ type: 'TransmissionPackaged', data: { transmissionId, at, fileName, sha256, size } }];
}

/**
 * Records that delivery waits for the endpoint's next transmission window: only between packaging
 * and the attempt it delays (the size that did not fit is the package's), and once per wait: the same
 * `until` as the latest deferral records nothing, whatever happened since. The status stays routed.
 */
export function deferDelivery(command: DeferDelivery, state: TransmissionState): TransmissionDeliveryDeferred[] {
  const t = existing(state, command);
  const { transmissionId, at, until, reason } = command.data;
  if (t.deferral?.until === until) return [];
  requireStatus(t, command, ['routed']);
  if (t.package === undefined) {
    throw new TransmissionError(
      TransmissionErrorCode.InvalidTransition,
      `${command.type} is not allowed before transmission ${t.id} is packaged: the window counts the package's bytes`,
    );
  }
  if (Number.isNaN(Date.parse(until)) || Date.parse(until) <= Date.parse(at)) {
    throw invalidCommand(command, `until (${until}) must be an instant after at (${at})`);
  }
  return [{ type: 'TransmissionDeliveryDeferred', data: { transmissionId, at, until, reason } }];
}

/** Records a delivery the State's server took. */
export function recordSent(command: RecordSent, state: TransmissionState): TransmissionSent[] {
  const t = existing(state, command);
  requireAttemptNumber(command);
  const { transmissionId, at, attempt, fileName, sha256 } = command.data;
  const known = t.sent.find((sent) => sent.attempt === attempt);
  if (known !== undefined) {
    if (known.fileName === fileName && known.sha256 === sha256) return [];
    throw conflict(t, command, `attempt ${attempt} sent ${known.fileName} (${known.sha256})`);
  }
  requireStatus(t, command, ['routed']);
  requireNewAttempt(command, t.lastAttempt, true);
  const packaged = t.package;
  if (packaged !== undefined && (packaged.fileName !== fileName || packaged.sha256 !== sha256)) {
    throw conflict(t, command, `attempt ${attempt} must send the packaged ${packaged.fileName} (${packaged.sha256})`);
  }
  return [{ type: 'TransmissionSent', data: { transmissionId, at, attempt, fileName, sha256 } }];
}

/**
 * Records an attempt that did not get through: the attempt being made (from routed) or one the State
 * took but never answered (from sent). One that cannot be retried ends delivery at once.
 */
export function recordDeliveryFailure(
  command: RecordDeliveryFailure,
  state: TransmissionState,
): (TransmissionDeliveryAttemptFailed | TransmissionFailed)[] {
  const t = existing(state, command);
  requireAttemptNumber(command);
  const { transmissionId, at, attempt, retryable, reason, nextAttemptAt } = command.data;
  const known = t.failed.find((failed) => failed.attempt === attempt);
  if (known !== undefined) {
    if (known.retryable === retryable && known.reason === reason) return [];
    throw conflict(t, command, `attempt ${attempt} already failed with "${known.reason}"`);
  }
  requireStatus(t, command, ['routed', 'sent']);
  requireNewAttempt(command, t.lastAttempt, false);
  const failure: TransmissionDeliveryAttemptFailed = {
    type: 'TransmissionDeliveryAttemptFailed',
    data: { transmissionId, at, attempt, retryable, reason, ...(nextAttemptAt === undefined ? {} : { nextAttemptAt }) },
  };
  if (retryable) return [failure];
  return [failure, { type: 'TransmissionFailed', data: { transmissionId, at, attempts: attempt, code: failureCodeOf(reason), reason } }];
}

/* A report about an attempt older than the last one recorded arrives out of order: recording it would
   rewrite the story. A failure may concern the last attempt itself (sent, then never answered). */
function requireNewAttempt(command: RecordSent | RecordDeliveryFailure, lastAttempt: number, strictly: boolean): void {
  const { attempt } = command.data;
  if (attempt < lastAttempt || (strictly && attempt === lastAttempt)) {
    throw new TransmissionError(
      TransmissionErrorCode.InvalidTransition,
      `${command.type} for attempt ${attempt} comes after attempt ${lastAttempt} was recorded`,
    );
  }
}

/** Gives delivery up; giving up what is already given up records nothing. */
export function giveUp(command: GiveUp, state: TransmissionState): TransmissionFailed[] {
  const t = existing(state, command);
  if (t.status === 'failed') return [];
  requireStatus(t, command, ['routed', 'sent']);
  const { transmissionId, at, reason } = command.data;
  return [{ type: 'TransmissionFailed', data: { transmissionId, at, attempts: t.lastAttempt, code: failureCodeOf(reason), reason } }];
}

/**
 * Puts a failed transmission back on the routed → sent path, to the endpoint it already had. A second
 * request before anything was sent again (a double click) records nothing.
 */
export function retry(command: Retry, state: TransmissionState): TransmissionRetryRequested[] {
  const t = existing(state, command);
  if (t.status === 'routed' && t.retryPending) return [];
  requireStatus(t, command, ['failed']);
  const { transmissionId, at, requestedBy } = command.data;
  return [{ type: 'TransmissionRetryRequested', data: { transmissionId, at, requestedBy } }];
}
