import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type pg from 'pg';
import { withAdminAction } from '../admin/admin-actions.js';
import type { GatewayConfig } from '../config.js';
import { GATEWAY_CONFIG, PG_POOL } from '../tokens.js';
import { bootstrapAdminToken } from './admin-bootstrap.js';
import { TokenRepository } from './token.repository.js';

/** What the log names as the actor of the bootstrap administrator's registration: the gateway's start-up itself. */
export const BOOTSTRAP_ACTOR = 'gateway:bootstrap';

/** Thrown inside the registration's transaction to roll its record back when the token was known already. */
class AlreadyRegistered extends Error {}

/**
 * Registers the bootstrap administrator at start-up, recorded as an administrative action the first
 * time only (every later start finds the token known and records nothing); logs where its token is,
 * never the token.
 */
@Injectable()
export class AdminBootstrapService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Gateway');

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly tokens: TokenRepository,
    @Inject(PG_POOL) private readonly pool: pg.Pool,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { token, source } = await bootstrapAdminToken(this.config.adminToken, this.config.adminTokenFile);
    const id = randomUUID();
    const action = { action: 'token.register-bootstrap', actor: BOOTSTRAP_ACTOR, target: `token:${id}`, details: { role: 'admin', source: source.kind } };
    await withAdminAction(this.pool, action, async (client) => {
      if (!(await this.tokens.registerAdmin(token, { id, db: client }))) throw new AlreadyRegistered();
    }).catch((error: unknown) => {
      if (!(error instanceof AlreadyRegistered)) throw error;
    });
    if (source.kind === 'setting') {
      this.logger.log('The bootstrap administrator token is the one set in RELAIS_ADMIN_TOKEN');
    } else {
      const what = source.created ? 'was generated into' : 'is read from';
      this.logger.log(`The bootstrap administrator token ${what} ${source.path} (readable by its owner only)`);
    }
  }
}
