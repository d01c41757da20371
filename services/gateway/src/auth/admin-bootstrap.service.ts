import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { GatewayConfig } from '../config.js';
import { GATEWAY_CONFIG } from '../tokens.js';
import { bootstrapAdminToken } from './admin-bootstrap.js';
import { TokenRepository } from './token.repository.js';

/** Registers the bootstrap administrator at start-up; logs where its token is, never the token. */
@Injectable()
export class AdminBootstrapService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Gateway');

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly tokens: TokenRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { token, source } = await bootstrapAdminToken(this.config.adminToken, this.config.adminTokenFile);
    await this.tokens.registerAdmin(token);
    if (source.kind === 'setting') {
      this.logger.log('The bootstrap administrator token is the one set in RELAIS_ADMIN_TOKEN');
    } else {
      const what = source.created ? 'was generated into' : 'is read from';
      this.logger.log(`The bootstrap administrator token ${what} ${source.path} (readable by its owner only)`);
    }
  }
}
