import type { TransmissionCommand } from './transmission.commands.js';
import { TransmissionError, TransmissionErrorCode } from './transmission.errors.js';
import type { Transmission, TransmissionState } from './transmission.state.js';
import type { TransmissionStatus } from './transmission.values.js';

/** The transmission a command is about; refused when there is none or it is another one. */
export function existing(state: TransmissionState, command: TransmissionCommand): Transmission {
  const id = command.data.transmissionId;
  if (state.status === 'none') {
    throw new TransmissionError(TransmissionErrorCode.NotFound, `Transmission ${id} does not exist`);
  }
  if (state.id !== id) {
    throw new TransmissionError(
      TransmissionErrorCode.InvalidCommand,
      `${command.type} names transmission ${id} but was given transmission ${state.id}`,
    );
  }
  return state;
}

/** Refuses `command` unless the transmission is in one of `allowed`. */
export function requireStatus(
  t: Transmission,
  command: TransmissionCommand,
  allowed: readonly TransmissionStatus[],
): void {
  if (!allowed.includes(t.status)) {
    throw new TransmissionError(
      TransmissionErrorCode.InvalidTransition,
      `${command.type} is not allowed when transmission ${t.id} is ${t.status} (only when ${allowed.join(' or ')})`,
    );
  }
}

/** The refusal of a command that contradicts a fact already recorded. */
export function conflict(t: Transmission, command: TransmissionCommand, what: string): TransmissionError {
  return new TransmissionError(
    TransmissionErrorCode.ConflictingFact,
    `${command.type} contradicts what transmission ${t.id} already recorded: ${what}`,
  );
}

/** The refusal of a command about the other kind of transmission. */
export function kindMismatch(t: Transmission, command: TransmissionCommand, what: string): TransmissionError {
  return new TransmissionError(
    TransmissionErrorCode.KindMismatch,
    `${command.type} does not fit transmission ${t.id}, a ${t.submission.kind}: ${what}`,
  );
}

/** The refusal of a command that contradicts itself. */
export function invalidCommand(command: TransmissionCommand, what: string): TransmissionError {
  return new TransmissionError(TransmissionErrorCode.InvalidCommand, `${command.type}: ${what}`);
}

/** The IDActe the préfecture gave, once it acknowledged the acte (an empty one is none at all). */
export function idActeOf(t: Transmission): string | undefined {
  const answer = t.answer;
  if (answer?.status !== 'acknowledged' || answer.acknowledgment.kind !== 'acte') return undefined;
  return answer.acknowledgment.idActe === '' ? undefined : answer.acknowledgment.idActe;
}
