import { Injectable, Logger, type BeforeApplicationShutdown, type OnModuleDestroy } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { shutdownBudgetFromEnv } from '@relais/messaging';
import { GatewayErrorCode } from '../errors/error-codes.js';

/** Paths still served while the gateway stops: the health answer keeps its own shape (API.md). */
const SERVED_WHILE_STOPPING = new Set(['/health']);

/**
 * The gateway's HTTP side of a stop. Its middleware counts the requests in progress; once the stop
 * begins (the first of Nest's shutdown phases) every new request is answered 503
 * `SERVICE.SHUTTING_DOWN` with `Connection: close` at once instead of being taken or left hanging, and
 * the live streams are ended by their feed in the same phase. Before the server closes, the requests in
 * progress (an upload still arriving, say) get the shutdown's grace to finish and be answered; what is
 * still running then has its connection cut, so that nothing half-done is answered 202 (the upload's
 * transaction never commits and the client, seeing no answer, sends it again, under its
 * `Idempotency-Key`). The database pools close only after this, in the last phase.
 */
@Injectable()
export class HttpDrain implements OnModuleDestroy, BeforeApplicationShutdown {
  private readonly logger = new Logger('HttpDrain');
  private stopping = false;
  private readonly inProgress = new Set<ServerResponse>();
  private allDone: (() => void) | undefined;

  /** Express middleware, first in the chain. */
  readonly middleware = (request: IncomingMessage, response: ServerResponse, next: () => void): void => {
    if (this.stopping && !SERVED_WHILE_STOPPING.has((request.url ?? '').split('?')[0] ?? '')) {
      refuse(response);
      return;
    }
    this.inProgress.add(response);
    response.once('close', () => {
      this.inProgress.delete(response);
      if (this.inProgress.size === 0) this.allDone?.();
    });
    next();
  };

  /** Requests being handled now. */
  get requestsInProgress(): number {
    return this.inProgress.size;
  }

  onModuleDestroy(): void {
    this.stopping = true;
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.inProgress.size === 0) return;
    const { graceMs } = shutdownBudgetFromEnv();
    this.logger.log(`stopping: ${this.inProgress.size.toString()} request(s) in progress get ${graceMs.toString()} ms to finish`);
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      this.allDone = resolve;
      timer = setTimeout(resolve, graceMs);
    });
    clearTimeout(timer);
    this.allDone = undefined;
    if (this.inProgress.size === 0) return;
    this.logger.warn(`${this.inProgress.size.toString()} request(s) not finished within ${graceMs.toString()} ms: connections closed unanswered`);
    for (const response of this.inProgress) response.socket?.destroy();
  }
}

function refuse(response: ServerResponse): void {
  const body = JSON.stringify({
    errors: [{ code: GatewayErrorCode.ShuttingDown, message: 'This gateway is stopping: send the request again in a moment (to another instance, if there is one)' }],
  });
  response.writeHead(503, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body).toString(),
    'Retry-After': '1',
    Connection: 'close',
  });
  response.end(body);
}
