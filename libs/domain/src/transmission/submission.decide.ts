import { sameValue } from '../shared/same-value.js';
import type { RecordValidation, Route, SubmitActe, SubmitPes } from './transmission.commands.js';
import { TransmissionError, TransmissionErrorCode } from './transmission.errors.js';
import type {
  TransmissionReceived,
  TransmissionRejected,
  TransmissionRouted,
  TransmissionValidated,
} from './transmission.events.js';
import { conflict, existing, kindMismatch, requireStatus } from './transmission.guards.js';
import type { TransmissionState } from './transmission.state.js';
import { channelOf } from './transmission.values.js';

/**
 * Opens a transmission. Handing over the very same submission again under the same id (a client
 * retrying with its Idempotency-Key) records nothing; anything else under a taken id is refused.
 */
export function submit(command: SubmitActe | SubmitPes, state: TransmissionState): TransmissionReceived[] {
  const { transmissionId, at, siren } = command.data;
  const submission = command.type === 'SubmitActe' ? command.data.acte : command.data.pes;
  if (state.status !== 'none') {
    if (state.siren === siren && sameValue(state.submission, submission)) return [];
    throw new TransmissionError(
      TransmissionErrorCode.AlreadyExists,
      `Transmission ${transmissionId} already exists with another submission`,
    );
  }
  return [{ type: 'TransmissionReceived', data: { transmissionId, at, siren, submission } }];
}

/** Records validation's verdict once; the same verdict again is a repeat, another one a conflict. */
export function recordValidation(
  command: RecordValidation,
  state: TransmissionState,
): (TransmissionValidated | TransmissionRejected)[] {
  const t = existing(state, command);
  const { transmissionId, at, errors } = command.data;
  if (t.validationErrors !== undefined) {
    if (sameValue(t.validationErrors, errors)) return [];
    throw conflict(t, command, 'validation already gave another verdict');
  }
  requireStatus(t, command, ['received']);
  if (errors.length === 0) return [{ type: 'TransmissionValidated', data: { transmissionId, at } }];
  return [{ type: 'TransmissionRejected', data: { transmissionId, at, errors } }];
}

/** Assigns the endpoint of a validated transmission, on the channel of its kind. */
export function route(command: Route, state: TransmissionState): TransmissionRouted[] {
  const t = existing(state, command);
  const { transmissionId, at, endpointId, channel } = command.data;
  if (t.route !== undefined) {
    if (t.route.endpointId === endpointId && t.route.channel === channel) return [];
    throw conflict(t, command, `already routed to ${t.route.endpointId} (${t.route.channel})`);
  }
  requireStatus(t, command, ['validated']);
  if (channel !== channelOf[t.submission.kind]) {
    throw kindMismatch(t, command, `channel ${channel} does not carry it`);
  }
  return [{ type: 'TransmissionRouted', data: { transmissionId, at, endpointId, channel } }];
}
