import { assertNever } from '../shared/assert-never.js';
import { recordAcknowledgment, recordNack, recordPartialAcceptance } from './answer.decide.js';
import { recordCancellation, requestCancellation } from './cancellation.decide.js';
import { recordLetter, recordMessageSent, recordReplyAcknowledgment, requestReply } from './exchange.decide.js';
import { shredPersonalData } from './personal-data.decide.js';
import { deferDelivery, giveUp, recordDeliveryFailure, recordPackage, recordSent, retry } from './delivery.decide.js';
import { recordValidation, route, submit } from './submission.decide.js';
import type { TransmissionCommand } from './transmission.commands.js';
import type { TransmissionEvent } from './transmission.events.js';
import type { TransmissionState } from './transmission.state.js';

/**
 * Decides what a command means for a transmission: the events to record, none when the command only
 * repeats a fact already recorded, or a TransmissionError with a stable code when it is refused.
 */
export function decide(command: TransmissionCommand, state: TransmissionState): readonly TransmissionEvent[] {
  switch (command.type) {
    case 'SubmitActe':
    case 'SubmitPes':
      return submit(command, state);
    case 'RecordValidation':
      return recordValidation(command, state);
    case 'Route':
      return route(command, state);
    case 'RecordPackage':
      return recordPackage(command, state);
    case 'RecordSent':
      return recordSent(command, state);
    case 'DeferDelivery':
      return deferDelivery(command, state);
    case 'RecordDeliveryFailure':
      return recordDeliveryFailure(command, state);
    case 'GiveUp':
      return giveUp(command, state);
    case 'Retry':
      return retry(command, state);
    case 'RecordAcknowledgment':
      return recordAcknowledgment(command, state);
    case 'RecordNack':
      return recordNack(command, state);
    case 'RecordPartialAcceptance':
      return recordPartialAcceptance(command, state);
    case 'RequestCancellation':
      return requestCancellation(command, state);
    case 'RecordCancellation':
      return recordCancellation(command, state);
    case 'RecordLetter':
      return recordLetter(command, state);
    case 'RequestReply':
      return requestReply(command, state);
    case 'RecordMessageSent':
      return recordMessageSent(command, state);
    case 'RecordReplyAcknowledgment':
      return recordReplyAcknowledgment(command, state);
    case 'ShredPersonalData':
      return shredPersonalData(command, state);
    default:
      return assertNever(command);
  }
}
