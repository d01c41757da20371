import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { TransmitterConfig } from '../config.js';
import { TransmitterResources } from '../database/transmitter-resources.js';
import { drainServers, pollUntilStopped, ReportOnce, TRANSMITTER_LOCK_CLASS, withAdvisoryLock, type AdvisoryLock } from '../polling/polling.js';
import type { ReplyOutcome } from '../replies/reply.handler.js';
import { TRANSMITTER_CONFIG } from '../tokens.js';
import { PesReturnRecorder } from './pes-return.handler.js';
import { readPesReturn } from './pes-return.read.js';
import { StateChannels } from '../channels/state-channels.js';
import type { ReturnsSource } from '../channels/state-channel.js';
import type { PesReturnItem } from './returns-client.js';

/** Returns recorded at once. */
const RETURNS_AT_ONCE = 8;
/** The Hélios returns reader's lock: one replica reads at a time (another than the mailbox reader's). */
const PES_RETURNS_LOCK: AdvisoryLock = { classId: TRANSMITTER_LOCK_CLASS, name: 'transmitter-pes-returns' };

/**
 * Reads the returns of every Hélios endpoint of the routing table, in a loop (DOMAIN.md §2.3: S²LOW
 * polls the DGFiP's server the same way): each file is read ({@link readPesReturn}), recorded
 * ({@link PesReturnRecorder}), and only once the event is committed is it acknowledged on the server.
 * A file that cannot be recorded yet (an acquittal read before its deposit is recorded as sent) stays
 * for the next poll; one unreadable, matching nothing, or for no registered collectivité stays for an
 * operator and is logged once. One replica reads at a time (a PostgreSQL advisory lock); the others
 * skip their turn. Recording is idempotent anyway.
 */
@Injectable()
export class PesReturnPoller implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('PesReturnPoller');
  private readonly stopping = new AbortController();
  private readonly reports = new ReportOnce(this.logger);
  private loop: Promise<void> | undefined;

  constructor(
    private readonly resources: TransmitterResources,
    private readonly recorder: PesReturnRecorder,
    private readonly channels: StateChannels,
    @Inject(TRANSMITTER_CONFIG) private readonly config: TransmitterConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.loop = pollUntilStopped(this.stopping.signal, this.config.pollIntervalMs, () => this.pollOnce(), this.logger);
  }

  /** One reading of every Hélios endpoint's returns, if no other replica is reading them. */
  async pollOnce(): Promise<void> {
    await withAdvisoryLock(this.resources.pool, PES_RETURNS_LOCK, () => this.readReturns());
  }

  private async readReturns(): Promise<void> {
    const table = await this.resources.routing.current();
    await drainServers({
      sources: this.channels.returnSources(table.endpoints),
      atOnce: RETURNS_AT_ONCE,
      signal: this.stopping.signal,
      reports: this.reports,
      describe: { item: (id, url) => `PES return ${id} on ${url}`, server: (url) => `PES returns of ${url}` },
      handle: (server, item: PesReturnItem) => this.handle(server, item),
    });
  }

  /** Reads a file, records what it means and, only once that is committed, acknowledges it on the server. */
  private async handle(server: ReturnsSource, item: PesReturnItem): Promise<void> {
    const key = `${server.baseUrl}#${item.id}`;
    const where = `PES return ${item.id} (${item.kind} ${item.fileName}) on ${server.baseUrl}`;
    const file = await readPesReturn(item.kind, item.content);
    let outcome: ReplyOutcome;
    switch (file.kind) {
      case 'unreadable':
        await this.setAside(server, item, key, `${where} is unreadable: ${file.why}`);
        return;
      case 'acquittal':
        outcome = await this.recorder.recordAcquittal(file.file, item);
        break;
      case 'retour':
        outcome = await this.recorder.recordRetour(file.header, item);
        break;
      default: {
        const unknown: never = file;
        throw new Error(`Unknown PES return ${JSON.stringify(unknown)}`);
      }
    }
    switch (outcome.kind) {
      case 'recorded':
        if (outcome.changed) this.logger.log(`${outcome.what} recorded`);
        await server.ack(item);
        this.reports.forget(key);
        return;
      case 'wait':
        this.reports.report(key, 'log', `${where} waits: ${outcome.why}`);
        return;
      case 'leave':
        await this.setAside(server, item, key, `${where} ${outcome.why}`);
        return;
      default: {
        const unknown: never = outcome;
        throw new Error(`Unknown PES return outcome ${JSON.stringify(unknown)}`);
      }
    }
  }

  private async setAside(server: ReturnsSource, item: PesReturnItem, key: string, why: string): Promise<void> {
    await server.setAside(item, why);
    this.reports.report(key, 'warn', `${why}; set aside for an operator`);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    await this.loop;
  }
}
