import type { PostgresEventStore } from '@relais/event-store';
import { loadCollectivite } from '@relais/service-kit';
import { ApiError } from '../errors/api-error.js';
import { GatewayErrorCode } from '../errors/error-codes.js';
import type { Role } from './token.js';

/**
 * The rule every token and every user keeps: the collectivite role acts for one registered SIREN, and
 * no other role is bound to one. 422 naming `siren` otherwise.
 */
export async function checkRoleSiren(store: PostgresEventStore, what: 'token' | 'user', role: Role, siren: string | undefined): Promise<void> {
  if (role !== 'collectivite') {
    if (siren !== undefined) throw ApiError.of(422, GatewayErrorCode.SirenNotAllowed, `A ${role} ${what} is not bound to a siren`, 'siren');
    return;
  }
  if (siren === undefined) throw ApiError.of(422, GatewayErrorCode.SirenRequired, `A collectivite ${what} needs the siren it acts for`, 'siren');
  if ((await loadCollectivite(store, siren)) === undefined) {
    throw ApiError.of(422, GatewayErrorCode.CollectiviteNotFound, `No collectivité ${siren} is registered`, 'siren');
  }
}
