import { mkdir, open, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { jetstreamManager, type JetStreamManager, StorageType } from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/transport-node';
import { exportSeal, type Seal } from '@relais/event-store';
import { ensureStream, JetStreamPublisher } from '@relais/messaging';

/** An RFC 3161 timestamp of one seal's digest. */
export interface SealTimestamp {
  readonly sealNumber: bigint;
  /** The authority's URL. */
  readonly authority: string;
  /** The TimeStampToken (a CMS ContentInfo), DER. */
  readonly token: Buffer;
  readonly genTime: Date;
}

/** A place outside the database that keeps a copy of every seal. */
export interface SealExport {
  readonly name: string;
  /** The highest seal number it holds (0n: none). */
  held(): Promise<bigint>;
  /** Stores `seal`, which is always `held() + 1`. */
  put(seal: Seal): Promise<void>;
  /** Stores a timestamp of a seal it holds (places that keep none ignore it). */
  putTimestamp?(stamp: SealTimestamp): Promise<void>;
  /** The seal numbers whose timestamp by `authority` it holds. */
  heldTimestamps?(authority: string): Promise<ReadonlySet<bigint>>;
}

/** One line of an export file. */
export type ExportLine =
  | ({ readonly kind: 'seal' } & ReturnType<typeof exportSeal>)
  | { readonly kind: 'timestamp'; readonly seal: string; readonly authority: string; readonly genTime: string; readonly token: string };

/**
 * Appends each seal, and each timestamp, as one JSON line to a file, synced to disk before it counts as
 * held. The file is meant to be shipped elsewhere (an auditor's copy, WORM storage, a second site):
 * `relais audit verify --seals <file>` checks the log against it.
 */
export class FileSealExport implements SealExport {
  readonly name: string;

  constructor(private readonly path: string) {
    this.name = `file:${path}`;
  }

  async held(): Promise<bigint> {
    let held = 0n;
    for (const line of await this.lines()) if (line.kind === 'seal' && BigInt(line.seal) > held) held = BigInt(line.seal);
    return held;
  }

  async heldTimestamps(authority: string): Promise<ReadonlySet<bigint>> {
    const held = new Set<bigint>();
    for (const line of await this.lines()) if (line.kind === 'timestamp' && line.authority === authority) held.add(BigInt(line.seal));
    return held;
  }

  put(seal: Seal): Promise<void> {
    return this.append({ kind: 'seal', ...exportSeal(seal) });
  }

  putTimestamp(stamp: SealTimestamp): Promise<void> {
    return this.append({
      kind: 'timestamp',
      seal: stamp.sealNumber.toString(),
      authority: stamp.authority,
      genTime: stamp.genTime.toISOString(),
      token: stamp.token.toString('base64'),
    });
  }

  private async lines(): Promise<ExportLine[]> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    // A line cut short by a crash mid-write is ignored: the seal is written again after it.
    return text.split('\n').flatMap((line) => {
      try {
        return line === '' ? [] : [JSON.parse(line) as ExportLine];
      } catch {
        return [];
      }
    });
  }

  private async append(line: ExportLine): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    const file = await open(this.path, 'a', 0o640);
    try {
      // A newline first if a crash left a partial line, so this one stands alone.
      const size = (await file.stat()).size;
      const lead = size > 0 && !(await endsWithNewline(this.path, size)) ? '\n' : '';
      await file.write(`${lead}${JSON.stringify(line)}\n`);
      await file.sync();
    } finally {
      await file.close();
    }
  }
}

async function endsWithNewline(path: string, size: number): Promise<boolean> {
  const file = await open(path, 'r');
  try {
    const { buffer } = await file.read(Buffer.alloc(1), 0, 1, size - 1);
    return buffer[0] === 0x0a;
  } finally {
    await file.close();
  }
}

/**
 * Keeps every seal as a message of the JetStream stream `<ns>_AUDIT_SEALS` (file storage, replicated
 * like the rest in a cluster, never expiring), one subject, the seal number as message id.
 */
export class JetStreamSealExport implements SealExport {
  readonly name: string;
  private readonly stream: string;
  private readonly subject: string;
  private readonly publisher: JetStreamPublisher;
  private jsm: JetStreamManager | undefined;

  constructor(
    private readonly nc: NatsConnection,
    private readonly namespace: string,
  ) {
    this.stream = `${namespace}_AUDIT_SEALS`;
    this.subject = `${namespace}.audit.seals`;
    this.name = `jetstream:${this.stream}`;
    this.publisher = new JetStreamPublisher(nc);
  }

  async held(): Promise<bigint> {
    const jsm = await this.manager();
    try {
      const last = await jsm.streams.getMessage(this.stream, { last_by_subj: this.subject });
      if (!last) return 0n;
      return BigInt(last.json<{ seal: string }>().seal);
    } catch (error) {
      if (/no message found|not found/i.test(String(error))) return 0n;
      throw error;
    }
  }

  async put(seal: Seal): Promise<void> {
    await this.manager();
    await this.publisher.publish(this.subject, JSON.stringify({ kind: 'seal', ...exportSeal(seal) }), {
      msgId: `${this.namespace}-seal-${seal.sealNumber.toString()}`,
    });
  }

  private async manager(): Promise<JetStreamManager> {
    if (this.jsm) return this.jsm;
    const jsm = await jetstreamManager(this.nc);
    await ensureStream(jsm, { name: this.stream, subjects: [this.subject], storage: StorageType.File, max_age: 0, duplicate_window: nanos(3_600_000) });
    this.jsm = jsm;
    return jsm;
  }
}
