/**
 * The pause of a sender's loop between two readings of its outbox: `pause(ms)` waits `ms`, or less
 * when `wake()` is called meanwhile (new work queued, a slot freed, the sender stopping); a wake that
 * came before the pause makes it return at once. Call `rearm()` at the top of each round.
 */
export class PollPause {
  private woken = false;
  private wakeUp: (() => void) | undefined;

  rearm(): void {
    this.woken = false;
  }

  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  pause(ms: number): Promise<void> {
    if (this.woken) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeUp = done;
    });
  }
}
