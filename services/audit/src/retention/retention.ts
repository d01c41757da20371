import type { LoggerService } from '@nestjs/common';
import { finishUnfinishedShreds, PersonalDataKeys, retentionCutoff, shredExpired, shredPersonalData } from '@relais/privacy';
import { listRetentionCandidates } from '@relais/read-models';
import type { TransmissionCommands } from '@relais/service-kit';
import type pg from 'pg';

/** What one retention round did. */
export interface RetentionRound {
  /** Shreddings a crash had interrupted, finished. */
  readonly finished: number;
  /** Transmissions whose personal data this round shredded. */
  readonly shredded: number;
}

/** Transmissions looked at per round: a backlog after a long stop is worked off round after round. */
const PER_ROUND = 500;

/**
 * The retention period of personal data (docs/personal-data.md): a transmission at a final status
 * whose last step is older than `retentionDays` has its key destroyed and `PersonalDataShredded`
 * recorded, with `relais` as requester. Finishes any shredding a crash interrupted first.
 */
export class Retention {
  constructor(
    private readonly pool: pg.Pool,
    private readonly commands: TransmissionCommands,
    private readonly retentionDays: number,
    private readonly logger: LoggerService,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async round(): Promise<RetentionRound> {
    const deps = { commands: this.commands, keys: new PersonalDataKeys(this.pool) };
    const finished = (await finishUnfinishedShreds(deps)).length;
    const policy = { retentionDays: this.retentionDays, now: this.now() };
    const candidates = await listRetentionCandidates(this.pool, { before: retentionCutoff(policy), limit: PER_ROUND });
    let shredded = 0;
    for (const command of shredExpired(candidates, policy)) {
      const outcome = await shredPersonalData(deps, command);
      if (outcome.recorded) shredded++;
    }
    if (finished + shredded > 0) {
      this.logger.log(`retention: personal data of ${shredded.toString()} transmissions shredded after ${this.retentionDays.toString()} days (${finished.toString()} interrupted shreddings finished)`);
    }
    return { finished, shredded };
  }
}
