import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, type OnModuleInit } from '@nestjs/common';
import {
  createWebhook,
  deleteWebhook,
  listWebhooks,
  MAX_WEBHOOKS_PER_COLLECTIVITE,
  migrateWebhooks,
  WEBHOOK_ADDRESS_NOT_ALLOWED,
  webhookHostProblem,
  type Webhook,
} from '@relais/service-kit';
import type pg from 'pg';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import type { Principal } from '../auth/principal.js';
import { Roles } from '../auth/roles.decorator.js';
import { ApiError } from '../errors/api-error.js';
import { GatewayErrorCode } from '../errors/error-codes.js';
import { bodyValidation } from '../errors/validation.pipe.js';
import type { GatewayConfig } from '../config.js';
import { GATEWAY_CONFIG, PG_POOL } from '../tokens.js';
import { UUID } from '../query-params.js';
import { CreateWebhookDto, webhookUrlProblem } from './webhook.dto.js';


/** The stable codes of the webhook calls. */
export const WebhookErrorCode = {
  NotFound: 'WEBHOOK.NOT_FOUND',
  TooMany: 'WEBHOOK.TOO_MANY',
  /** The URL names a loopback, private, link-local… address, or `localhost` (422). */
  AddressNotAllowed: WEBHOOK_ADDRESS_NOT_ALLOWED,
} as const;

/** A webhook as the API shows it: never its secret. */
export interface WebhookView {
  readonly id: string;
  readonly url: string;
  readonly createdAt: string;
}


function view(webhook: Webhook): WebhookView {
  return { id: webhook.id, url: webhook.url, createdAt: webhook.createdAt };
}

/** The collectivité acting: the guard lets only collectivite tokens in, each bound to one SIREN. */
function sirenOf(principal: Principal): string {
  if (principal.siren === undefined) throw ApiError.of(403, GatewayErrorCode.Forbidden, 'Only a collectivité has webhooks');
  return principal.siren;
}

/**
 * A collectivité's webhooks: where the notifier POSTs each status change and each message from the
 * State, signed with the secret given here (never shown again). Applies the table's migration at start.
 */
@Controller('api/v1/webhooks')
@Roles('collectivite')
export class WebhooksController implements OnModuleInit {
  constructor(
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    await migrateWebhooks(this.pool);
  }

  @Post()
  @HttpCode(201)
  async register(@Body(bodyValidation) body: CreateWebhookDto, @CurrentPrincipal() principal: Principal): Promise<WebhookView> {
    const problem = webhookUrlProblem(body.url);
    if (problem !== undefined) throw ApiError.of(400, GatewayErrorCode.InvalidBody, problem, 'url');
    // Literal addresses and `localhost` are refused here; a name is resolved and checked at each delivery.
    const hostProblem = this.config.allowPrivateWebhooks ? undefined : webhookHostProblem(new URL(body.url).hostname);
    if (hostProblem !== undefined) throw ApiError.of(422, WebhookErrorCode.AddressNotAllowed, hostProblem, 'url');
    const created = await createWebhook(this.pool, { siren: sirenOf(principal), url: body.url, secret: body.secret });
    if (created === undefined) {
      throw ApiError.of(409, WebhookErrorCode.TooMany, `A collectivité has at most ${MAX_WEBHOOKS_PER_COLLECTIVITE} webhooks; remove one first`);
    }
    return view(created);
  }

  @Get()
  async list(@CurrentPrincipal() principal: Principal): Promise<{ items: WebhookView[] }> {
    return { items: (await listWebhooks(this.pool, sirenOf(principal))).map(view) };
  }

  /** Another collectivité's webhook answers 404, as an unknown one does. */
  @Delete(':id')
  @HttpCode(204)
  async remove(@Param('id') id: string, @CurrentPrincipal() principal: Principal): Promise<void> {
    if (!UUID.test(id) || !(await deleteWebhook(this.pool, sirenOf(principal), id))) {
      throw ApiError.of(404, WebhookErrorCode.NotFound, `No webhook ${id}`);
    }
  }
}
