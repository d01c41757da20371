import { channelOf, type Channel, type Transmission } from '@relais/domain';
import { routeActe, routePes, type Endpoint, type RoutingTable } from '@relais/routing';
import type { Collectivite } from '@relais/service-kit';

/** Why no endpoint could be chosen; stable codes, logged and carried into the dead letter. */
export const RoutingFailureCode = {
  /** The transmission's SIREN has no registration in the log. */
  UnknownCollectivite: 'ROUTING.UNKNOWN_COLLECTIVITE',
  /** No rule of the table matches the collectivité. */
  NoRule: 'ROUTING.NO_RULE',
} as const;

/** One of {@link RoutingFailureCode}. */
export type RoutingFailureCode = (typeof RoutingFailureCode)[keyof typeof RoutingFailureCode];

/** The endpoint chosen for a transmission, or why there is none. */
export type RouteChoice =
  | { readonly ok: true; readonly endpoint: Endpoint; readonly channel: Channel }
  | { readonly ok: false; readonly code: RoutingFailureCode; readonly reason: string };

/**
 * Picks a validated transmission's State endpoint: an acte by its collectivité's département and
 * arrondissement, a PES file by its accounting post (IdPost) then département; the most specific rule
 * of the table wins (see `routeActe`).
 */
export function chooseRoute(table: RoutingTable, transmission: Transmission, collectivite: Collectivite | undefined): RouteChoice {
  const { submission, siren, id } = transmission;
  if (collectivite === undefined) {
    return { ok: false, code: RoutingFailureCode.UnknownCollectivite, reason: `transmission ${id}: no collectivité is registered with SIREN ${siren}` };
  }
  const { departement, arrondissement } = collectivite;
  const channel = channelOf[submission.kind];
  const endpoint =
    submission.kind === 'acte'
      ? routeActe(table, { departement, arrondissement })
      : routePes(table, { idPost: submission.idPost, departement });
  if (endpoint === undefined) {
    const where =
      submission.kind === 'acte'
        ? `département ${departement}, arrondissement ${arrondissement}`
        : `IdPost ${submission.idPost}, département ${departement}`;
    return { ok: false, code: RoutingFailureCode.NoRule, reason: `transmission ${id}: no ${channel} rule of the routing table matches ${where} (SIREN ${siren})` };
  }
  return { ok: true, endpoint, channel };
}
