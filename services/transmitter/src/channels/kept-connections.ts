import { stat } from 'node:fs/promises';

interface Kept<T> {
  readonly stamp: string;
  readonly value: Promise<T>;
}

/**
 * One value per key (an endpoint): a connection, or a loaded client certificate, kept between uses
 * and opened again when its settings or the files they name (key, password, CA) change; the one it
 * replaces is closed. A failed opening is kept too, until something changes, so that a broken setting
 * is not retried on every poll.
 */
export class KeptConnections<T> {
  private readonly kept = new Map<string, Kept<T>>();

  /** `close`: how a value that is replaced, or at shutdown, is let go of (nothing by default). */
  constructor(private readonly close: (value: T) => Promise<void> = () => Promise.resolve()) {}

  async get(key: string, settings: unknown, files: readonly (string | undefined)[], open: () => Promise<T>): Promise<T> {
    const stamp = `${JSON.stringify(settings)}|${(await Promise.all(files.filter((file): file is string => file !== undefined).map(fileStamp))).join('|')}`;
    const current = this.kept.get(key);
    if (current?.stamp === stamp) return current.value;
    const value = open();
    value.catch(() => undefined);
    this.kept.set(key, { stamp, value });
    if (current !== undefined) void current.value.then(this.close).catch(() => undefined);
    return value;
  }

  /** Closes every connection (shutdown). */
  async closeAll(): Promise<void> {
    const all = [...this.kept.values()];
    this.kept.clear();
    await Promise.all(all.map((kept) => kept.value.then(this.close).catch(() => undefined)));
  }
}

async function fileStamp(file: string): Promise<string> {
  const info = await stat(file).catch(() => undefined);
  return `${file}:${info === undefined ? 'missing' : `${info.size.toString()}@${info.mtimeMs.toString()}`}`;
}
