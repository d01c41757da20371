import type { DeliveryOutcome } from './ledger.js';

/** How many received files are kept for `GET /sim/actes/:name` and `GET /sim/pes/:name`, and their total size: oldest go first. */
const KEPT_FILES = 2000;
const KEPT_BYTES = 256 * 1024 * 1024;

/**
 * The bytes first received under each name, in arrival order, for tests and demos to read back;
 * bounded in count and size, the oldest dropped first. In memory, no I/O.
 */
export class KeptFiles {
  private readonly kept = new Map<string, Buffer>();
  private keptBytes = 0;

  /** Keeps the bytes of a new delivery (accepted or duplicate): retries and conflicts keep the first ones. */
  keep(outcome: DeliveryOutcome, name: string, body: Buffer): void {
    if ((outcome !== 'accepted' && outcome !== 'duplicate') || this.kept.has(name)) return;
    this.kept.set(name, body);
    this.keptBytes += body.length;
    for (const [oldest, bytes] of this.kept) {
      if (this.kept.size <= KEPT_FILES && this.keptBytes <= KEPT_BYTES) break;
      this.kept.delete(oldest);
      this.keptBytes -= bytes.length;
    }
  }

  /** The bytes first received under `name`, while they are kept. */
  get(name: string): Buffer | undefined {
    return this.kept.get(name);
  }
}
