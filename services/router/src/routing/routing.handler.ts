import { Injectable, Logger } from '@nestjs/common';
import { TransmissionError } from '@relais/domain';
import { PermanentError } from '@relais/messaging';
import { loadCollectivite } from '@relais/service-kit';
import { RouterResources } from '../router.resources.js';
import { chooseRoute, type RoutingFailureCode } from './route-choice.js';

/**
 * No endpoint for a transmission (collectivité unknown, no rule matches). Deliberately retryable: the
 * message comes back with backoff, so an operator who registers the collectivité or edits the routing
 * table sees it routed without anything else; past the retry budget it waits in the dead-letter
 * subject, from where it can be replayed. Never a rejection: the acte was valid.
 */
export class NoRouteError extends Error {
  constructor(
    readonly code: RoutingFailureCode,
    message: string,
  ) {
    super(message);
    this.name = 'NoRouteError';
  }
}

/** What handling one TransmissionValidated did. */
export type RoutingOutcome = 'routed' | 'already_routed' | 'not_validated';

const ACTOR = 'router';

/** Routes one validated transmission; idempotent (a routed one is left as it is). */
@Injectable()
export class RoutingHandler {
  private readonly logger = new Logger('Routing');

  constructor(private readonly resources: RouterResources) {}

  async handle(transmissionId: string, messageId: string): Promise<RoutingOutcome> {
    const { commands, store, routing } = this.resources;
    const loaded = await commands.load(transmissionId);
    const { state } = loaded;
    if (state.status === 'none') throw new Error(`transmission ${transmissionId} is not in the log yet`);
    if (state.route !== undefined) return 'already_routed';
    if (state.status !== 'validated') return 'not_validated';

    const collectivite = await loadCollectivite(store, state.siren);
    const table = await routing.current();
    if (routing.rejectedEdit !== undefined) {
      this.logger.warn(`routing table edit refused, the previous table stays in use: ${routing.rejectedEdit.message}`);
    }
    const choice = chooseRoute(table, state, collectivite);
    if (!choice.ok) {
      this.logger.error(`${choice.code}: ${choice.reason}; will retry with backoff, then dead-letter for replay (${routing.path})`);
      throw new NoRouteError(choice.code, choice.reason);
    }
    try {
      await commands.execute(
        { type: 'Route', data: { transmissionId, at: new Date().toISOString(), endpointId: choice.endpoint.id, channel: choice.channel } },
        { causationId: messageId, actor: ACTOR, loaded },
      );
    } catch (error) {
      // Routed elsewhere meanwhile (a replica with another table): retrying cannot help.
      if (error instanceof TransmissionError) throw new PermanentError(error.message, error.code, { cause: error });
      throw error;
    }
    this.logger.log(`transmission ${transmissionId} routed to ${choice.endpoint.id}`);
    return 'routed';
  }
}
