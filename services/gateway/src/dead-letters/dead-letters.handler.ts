import { Inject, Injectable } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { PostgresEventStore } from '@relais/event-store';
import { listDeadLetters, NATS_CONNECTION, replayDeadLetter, type DeadLetter } from '@relais/messaging';
import { readAdminActions, recordAdminAction } from '../admin/admin-actions.js';
import type { GatewayConfig } from '../config.js';
import { ApiError } from '../errors/api-error.js';
import { GatewayErrorCode } from '../errors/error-codes.js';
import { GATEWAY_CONFIG } from '../tokens.js';
import type { DeadLetterQuery } from './dead-letter-query.js';
import { deadLetterView, type DeadLetterView } from './dead-letter-view.js';

/** A page of dead letters, oldest first; `next` when more may follow. */
export interface DeadLetterPage {
  readonly items: readonly DeadLetterView[];
  readonly next?: string;
}

/** What `POST /api/v1/admin/dead-letters/{seq}/retry` answers: the message is back on its subject. */
export interface DeadLetterRetried {
  readonly seq: number;
  readonly consumer: string;
  readonly subject: string;
  readonly status: 'replayed';
}

/** The admin action a retry records. */
export const DEAD_LETTER_RETRY_ACTION = 'dead-letter.retry';

/**
 * Dead letters for operators: listed from the DLQ stream, and retried one at a time. A retry is
 * recorded as an admin action (in the stream `admin-dead-letter:<namespace>:<seq>`) before the message
 * is published again on its original subject, for its own consumer only, under a message id derived
 * from the sequence; the dead letter is then deleted from the DLQ, so that it leaves the list.
 *
 * Retrying the same sequence again publishes nothing: once it is gone from the DLQ the recorded action
 * answers 409 DEAD_LETTER.ALREADY_RETRIED (404 DEAD_LETTER.NOT_FOUND for a sequence never retried);
 * retries of one sequence are taken one after another in this process, and a retry by another
 * gateway at the same instant is dropped by the stream as a duplicate of the same message id. A retry
 * cut short between the publish and the delete leaves the letter listed; retrying it again is safe
 * (the duplicate window, then the consumer's inbox keyed on the original message id, keep it from
 * being handled twice).
 */
@Injectable()
export class DeadLettersHandler {
  private readonly inProgress = new Map<number, Promise<unknown>>();

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly store: PostgresEventStore,
  ) {}

  async list(query: DeadLetterQuery): Promise<DeadLetterPage> {
    const letters = await listDeadLetters(this.nc, {
      namespace: this.config.namespace,
      ...(query.consumer === undefined ? {} : { consumer: query.consumer }),
      fromSeq: query.after + 1,
      limit: query.limit,
    });
    const items = letters.map(deadLetterView);
    const last = items.at(-1);
    return last !== undefined && items.length === query.limit ? { items, next: String(last.seq) } : { items };
  }

  /** Retries one dead letter; retries of the same sequence wait for each other. */
  retry(seq: number, actor: string): Promise<DeadLetterRetried> {
    const previous = this.inProgress.get(seq) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(() => this.retryNow(seq, actor));
    this.inProgress.set(seq, run);
    void run
      .catch(() => undefined)
      .finally(() => {
        if (this.inProgress.get(seq) === run) this.inProgress.delete(seq);
      });
    return run;
  }

  private async retryNow(seq: number, actor: string): Promise<DeadLetterRetried> {
    const letter = await this.find(seq);
    if (letter === undefined) throw await this.gone(seq);
    const target = this.target(seq);
    await recordAdminAction(this.store, {
      action: DEAD_LETTER_RETRY_ACTION,
      actor,
      target,
      details: { consumer: letter.consumer, originalSubject: letter.originalSubject, reason: letter.reason, ...transmissionOf(letter) },
    });
    try {
      const replay = await replayDeadLetter(this.nc, { namespace: this.config.namespace, seq });
      return { seq, consumer: letter.consumer, subject: replay.subject, status: 'replayed' };
    } catch (error) {
      // Another gateway replayed and deleted it meanwhile: the same outcome as a second retry here.
      if ((await this.find(seq)) === undefined) throw await this.gone(seq);
      throw error;
    }
  }

  private async find(seq: number): Promise<DeadLetter | undefined> {
    const [letter] = await listDeadLetters(this.nc, { namespace: this.config.namespace, fromSeq: seq, limit: 1 });
    return letter?.seq === seq ? letter : undefined;
  }

  /** Why there is no dead letter at `seq`: retried already (409), or never there (404). */
  private async gone(seq: number): Promise<ApiError> {
    const retried = (await readAdminActions(this.store, this.target(seq))).find((action) => action.action === DEAD_LETTER_RETRY_ACTION);
    if (retried !== undefined) {
      return ApiError.of(409, GatewayErrorCode.DeadLetterAlreadyRetried, `Dead letter ${seq} was retried at ${retried.at} by ${retried.actor}`);
    }
    return ApiError.of(404, GatewayErrorCode.DeadLetterNotFound, `No dead letter at sequence ${seq}`);
  }

  private target(seq: number): string {
    return `dead-letter:${this.config.namespace}:${seq}`;
  }
}

/** The transmission a dead letter belongs to, as an admin action's detail. */
function transmissionOf(letter: DeadLetter): { transmissionId?: string } {
  const { transmissionId } = deadLetterView(letter);
  return transmissionId === undefined ? {} : { transmissionId };
}
