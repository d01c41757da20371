import { ACTES_NAMESPACE } from '@relais/actes';

import type { AnnulationDelivery } from './annulation.read.js';
import { type EnvelopeContext, type MinistryMessage, ministryMessage } from './envelope.xml.js';
import { latin1Document } from './xml.write.js';

/** What the ministry answers to an accepted 6-1: the envelope, then the 6-2 `ARAnnulation`. */
export type AnnulationReply = MinistryMessage<'ARAnnulation'>;

/** The 6-2 `ARAnnulation`: the cancelled acte's IDActe and the day the 6-1 was received. */
export function arAnnulationXml(idActe: string, dateReception: string): Buffer {
  return latin1Document([`<actes:ARAnnulation xmlns:actes="${ACTES_NAMESPACE}" actes:IDActe="${idActe}" actes:DateReception="${dateReception}"/>`]);
}

/**
 * The reply to an accepted 6-1: an `EnveloppeMISILLCL` from the préfecture of the department (named
 * `EACT--PREFddd-SIREN-YYYYMMDD-N.xml` like the 1-2's) and the 6-2 `IDActe-6-2_0.xml`.
 */
export function buildAnnulationReply(delivery: AnnulationDelivery, context: EnvelopeContext): AnnulationReply {
  const message = { name: `${delivery.idActe}-6-2_0.xml`, content: arAnnulationXml(delivery.idActe, context.date) };
  return ministryMessage('ARAnnulation', delivery, context, message);
}
