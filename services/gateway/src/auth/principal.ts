import type { IncomingMessage } from 'node:http';
import type { Role } from './token.js';

/** Who is calling: the token that authenticated the request. */
export interface Principal {
  readonly tokenId: string;
  readonly role: Role;
  /** Set for (and only for) the collectivite role. */
  readonly siren: string | undefined;
  /** The named user the token was issued to, if any. */
  readonly userId?: string;
  /** A user administering the users and tokens of their collectivité. */
  readonly collectiviteAdmin?: boolean;
  /**
   * A group administrator's (a user of the collectivite role with a group): their own SIREN and their
   * group's members, read at each request. Reads accept any of them; writes stay with `siren`.
   */
  readonly followedSirens?: readonly string[];
}

/** A request once the guard has authenticated it. */
export type AuthenticatedRequest = IncomingMessage & { principal?: Principal };

/** The actor recorded in events' metadata. */
export function actorOf(principal: Principal): string {
  return `token:${principal.tokenId}`;
}
