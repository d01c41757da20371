import type { TransmissionEvent } from './transmission.events.js';
import type { TransmissionStatus } from './transmission.values.js';

/** Every status of a transmission, in the order of API.md ("Statuses"). */
export const transmissionStatuses: readonly TransmissionStatus[] = [
  'received',
  'validated',
  'routed',
  'sent',
  'acknowledged',
  'rejected',
  'nacked',
  'partially_accepted',
  'failed',
  'cancelled',
];

/**
 * The messages the préfecture sends about an acte (DOMAIN.md §1.3), by their @ctes code: 1-2 AR, 1-3
 * anomalie, 2-1 courrier simple, 3-1 demande de pièces complémentaires, 3-5 AR of the answer to it,
 * 4-1 lettre d'observations, 4-5 AR of the answer to it, 5-1 déféré, 6-2 AR of the annulation; and the
 * envelope anomaly (`AnomalieEnveloppe`), which has no code. The DGFiP's answers to a PES file are
 * told by the statuses they lead to (acknowledged, partially_accepted, nacked).
 */
export type PrefectureMessageType = '1-2' | '1-3' | 'anomalie-enveloppe' | '2-1' | '3-1' | '3-5' | '4-1' | '4-5' | '5-1' | '6-2';

export const prefectureMessageTypes: readonly PrefectureMessageType[] = ['1-2', '1-3', 'anomalie-enveloppe', '2-1', '3-1', '3-5', '4-1', '4-5', '5-1', '6-2'];

/** The préfecture's message an event records, if it records one. */
export function prefectureMessageTypeOf(event: TransmissionEvent): PrefectureMessageType | undefined {
  switch (event.type) {
    case 'TransmissionAcknowledged':
      return event.data.acknowledgment.kind === 'acte' ? '1-2' : undefined;
    case 'TransmissionNacked':
      return event.data.source === 'acte_anomaly' ? '1-3' : event.data.source === 'envelope_anomaly' ? 'anomalie-enveloppe' : undefined;
    case 'TransmissionLetterReceived':
      return event.data.code;
    case 'TransmissionReplyAcknowledged':
      return event.data.code;
    case 'TransmissionCancelled':
      return '6-2';
    case 'TransmissionReceived':
    case 'TransmissionValidated':
    case 'TransmissionRejected':
    case 'TransmissionRouted':
    case 'TransmissionPackaged':
    case 'TransmissionSent':
    case 'TransmissionDeliveryDeferred':
    case 'TransmissionDeliveryAttemptFailed':
    case 'TransmissionFailed':
    case 'TransmissionRetryRequested':
    case 'TransmissionPartiallyAccepted':
    case 'TransmissionCancellationRequested':
    case 'TransmissionReplyRequested':
    case 'TransmissionMessageSent':
    case 'PersonalDataShredded':
      return undefined;
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}
