import { Injectable } from '@nestjs/common';
import { TransmissionError, TransmissionErrorCode } from '@relais/domain';
import { TransmissionCommands } from '@relais/service-kit';
import { ApiError } from '../errors/api-error.js';
import { actorOf, type Principal } from '../auth/principal.js';
import { isTransmissionId, notFound } from '../transmissions/transmissions.reader.js';

/** What `POST /api/v1/actes/{id}/annulation` answers. */
export interface AnnulationAccepted {
  readonly id: string;
  readonly status: string;
}

/**
 * Records a RequestCancellation for the caller's own acte. Another collectivité's transmission, or one
 * that does not exist, is answered 404 without telling which; the domain's refusal before the AR
 * (`TRANSMISSION.CANCELLATION_NOT_ALLOWED`) goes out as a 409 with a message saying why.
 */
@Injectable()
export class AnnulationHandler {
  constructor(private readonly commands: TransmissionCommands) {}

  async request(id: string, principal: Principal): Promise<AnnulationAccepted> {
    if (!isTransmissionId(id)) throw notFound(id);
    const { state } = await this.commands.load(id);
    if (state.status === 'none' || principal.siren === undefined || state.siren !== principal.siren) throw notFound(id);
    try {
      const result = await this.commands.execute(
        { type: 'RequestCancellation', data: { transmissionId: id, at: new Date().toISOString(), requestedBy: actorOf(principal) } },
        { actor: actorOf(principal) },
      );
      return { id, status: result.state.status === 'none' ? 'received' : result.state.status };
    } catch (error) {
      if (error instanceof TransmissionError && error.code === TransmissionErrorCode.CancellationNotAllowed) {
        throw ApiError.of(
          409,
          error.code,
          `The acte ${id} cannot be cancelled: it is ${state.status}, and an annulation (6-1) names the acte by the IDActe of the préfecture's acknowledgment (1-2), so only an acknowledged acte can be cancelled.`,
        );
      }
      throw error;
    }
  }
}
