import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { SIREN_REGEX } from '@relais/actes';
import { openRequest, type ClassificationRequest } from '@relais/domain';
import { ClassificationCommands, deterministicUuid } from '@relais/service-kit';
import { checkIdempotencyKey, idempotencyScope } from '../actes/idempotent-submission.js';
import { actorOf, type Principal } from '../auth/principal.js';
import { ApiError } from '../errors/api-error.js';
import { GatewayErrorCode } from '../errors/error-codes.js';
import { mayRead } from '../groups/followed-sirens.js';
import { CLASSIFICATION_CATALOGUES } from '../tokens.js';
import type { ClassificationCatalogues } from '@relais/service-kit';
import { classificationView, requestStatus, type ClassificationView, type RequestStatus } from './classification-view.js';

/** What `POST /api/v1/classification/requests` answers. */
export interface ClassificationRequestAccepted {
  readonly id: string;
  readonly status: RequestStatus;
}

/** Where the SIREN of a call comes from: the query of a GET, the body of a POST. */
type SirenSource = 'query' | 'body';

const notRegistered = (siren: string): ApiError => ApiError.of(404, GatewayErrorCode.CollectiviteNotFound, `No collectivité ${siren} is registered`);

/**
 * A collectivité's classification (7-1 → 7-2 / 7-3): what applies now and the requests made, and
 * asking the préfecture for it. A collectivité acts on its own (naming another SIREN answers 404, as
 * an unknown one); the other roles name the SIREN.
 */
@Injectable()
export class ClassificationHandler {
  constructor(
    private readonly commands: ClassificationCommands,
    @Inject(CLASSIFICATION_CATALOGUES) private readonly catalogues: ClassificationCatalogues,
  ) {}

  async view(principal: Principal, siren: unknown): Promise<ClassificationView> {
    const target = targetSiren(principal, siren, 'query');
    const { registered, state } = await this.commands.load(target);
    if (!registered) throw notRegistered(target);
    return classificationView(target, state, await this.catalogues.current(state));
  }

  /**
   * Records a RequestClassification: under an Idempotency-Key the request id is derived from it, so a
   * retry names the same request and records nothing. While a request is open the domain records
   * nothing either (its answer will serve): the answer is then the open request.
   */
  async request(principal: Principal, siren: unknown, idempotencyKey: string | undefined): Promise<ClassificationRequestAccepted> {
    const target = targetSiren(principal, siren, 'body');
    if (idempotencyKey !== undefined) checkIdempotencyKey(idempotencyKey);
    const scope = idempotencyScope(principal, `classification:${target}`);
    const requestId = idempotencyKey === undefined ? randomUUID() : deterministicUuid(`gateway|${scope}|${idempotencyKey}`);
    const { registered } = await this.commands.load(target);
    if (!registered) throw notRegistered(target);
    const actor = actorOf(principal);
    const { state } = await this.commands.execute(
      { type: 'RequestClassification', data: { siren: target, at: new Date().toISOString(), requestId, requestedBy: actor } },
      { actor, ...(idempotencyKey === undefined ? {} : { causationId: `idempotency:${scope}:${idempotencyKey}` }) },
    );
    const request: ClassificationRequest | undefined = state.requests.find((r) => r.id === requestId) ?? openRequest(state);
    if (request === undefined) throw new Error(`RequestClassification ${requestId} for ${target} recorded nothing, and no request is open`);
    return { id: request.id, status: requestStatus(request) };
  }
}

/**
 * The SIREN a call is about: a collectivité's own (reading, a group administrator may name one it
 * follows; asking stays with its own); the one named by the other roles, required and 9 digits.
 */
function targetSiren(principal: Principal, named: unknown, source: SirenSource): string {
  const code = source === 'query' ? GatewayErrorCode.InvalidQuery : GatewayErrorCode.InvalidBody;
  if (named !== undefined && (typeof named !== 'string' || !SIREN_REGEX.test(named))) throw ApiError.of(400, code, 'siren must be 9 digits', 'siren');
  if (principal.role === 'collectivite') {
    const own = principal.siren ?? '';
    if (named === undefined) return own;
    if (source === 'query' ? !mayRead(principal, named) : named !== own) throw notRegistered(named);
    return named;
  }
  if (named === undefined) throw ApiError.of(400, code, 'siren is required: the collectivité whose classification it is', 'siren');
  return named;
}
