import { windowStartOf, type TransmissionWindow } from '@relais/routing';
import type pg from 'pg';

/**
 * The transmission windows of the endpoints (S²LOW's "fenêtres de transmission"), kept in the
 * transmitter's table `transmitter_window_usage`: the bytes each endpoint took in each fixed window.
 */
export class TransmissionWindows {
  constructor(private readonly pool: pg.Pool) {}

  /**
   * Counts `size` bytes in the window of `endpointId` that holds `at`, if they fit: true when they were
   * counted, false when the window has no room left. One statement, so concurrent replicas never take
   * more than the cap between them. An archive larger than the whole window fits an empty window only,
   * where it goes alone (nothing else fits after it): refusing it for good would leave an acte that no
   * window can ever carry.
   */
  async reserve(endpointId: string, window: TransmissionWindow, size: number, at: Date): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `INSERT INTO transmitter_window_usage AS w (endpoint_id, window_start, bytes_used)
       VALUES ($1, $2, $3)
       ON CONFLICT (endpoint_id, window_start) DO UPDATE
         SET bytes_used = w.bytes_used + EXCLUDED.bytes_used
         WHERE w.bytes_used + EXCLUDED.bytes_used <= $4 OR w.bytes_used = 0`,
      [endpointId, windowStartOf(window, at), size, window.bytes],
    );
    return rowCount === 1;
  }
}

/**
 * Turns per endpoint within one process: the deliveries to an endpoint reserve room one after the
 * other, in the order they asked, and one that waits for the next window keeps its turn, so no later
 * (smaller) archive slips into the room left before it. `blockedUntil` tells a newcomer that the head
 * of its endpoint's line waits, and until when.
 */
export class EndpointTurns {
  private readonly tails = new Map<string, Promise<void>>();
  private readonly blocked = new Map<string, Date>();

  /** Runs `work` once every earlier turn of `endpointId` in this process is over. */
  async inTurn<T>(endpointId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(endpointId) ?? Promise.resolve();
    let release = (): void => undefined;
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => mine);
    this.tails.set(endpointId, tail);
    try {
      await previous;
      return await work();
    } finally {
      release();
      if (this.tails.get(endpointId) === tail) this.tails.delete(endpointId);
    }
  }

  /** The start of the window the head of the line waits for, if it waits. */
  blockedUntil(endpointId: string): Date | undefined {
    return this.blocked.get(endpointId);
  }

  block(endpointId: string, until: Date): void {
    this.blocked.set(endpointId, until);
  }

  unblock(endpointId: string): void {
    this.blocked.delete(endpointId);
  }
}
