import type { RecordAcknowledgment, RecordNack } from '@relais/domain';
import type { ActeReply } from './reply.parse.js';

/** The command that records a préfecture's answer on its transmission, observed at `at`. */
export function replyCommand(reply: ActeReply, transmissionId: string, at: string): RecordAcknowledgment | RecordNack {
  switch (reply.kind) {
    case 'ARActe':
      return {
        type: 'RecordAcknowledgment',
        data: {
          transmissionId,
          at,
          acknowledgment: { kind: 'acte', idActe: reply.idActe, dateReception: reply.dateReception },
        },
      };
    case 'AnomalieActe':
      return {
        type: 'RecordNack',
        data: { transmissionId, at, source: 'acte_anomaly', reasonCode: reply.nature, detail: reply.detail },
      };
    default: {
      const unknown: never = reply;
      throw new Error(`Unknown reply ${JSON.stringify(unknown)}`);
    }
  }
}
