import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { createHash } from 'node:crypto';

import type { StateSimConfig } from '../config.js';
import { STATE_SIM_CONFIG } from '../tokens.js';
import { unpackArchive } from '@relais/actes';
import { type AnnulationDelivery, isAnnulationArchive, readAnnulationDelivery } from './annulation.read.js';
import { buildAnnulationReply } from './annulation.reply.js';
import { type ActeDelivery, readActeDelivery } from './archive.read.js';
import { DeliveryLedger, type DeliveryOutcome, type Stats } from './ledger.js';
import { Mailbox, type MailboxPage } from './mailbox.js';
import { type Random, randomSource } from './random.js';
import { buildActeReply } from './reply.xml.js';
import { SimError, SimErrorCode } from './sim.errors.js';

/** The knobs a test may turn while the simulator runs (`POST /sim/config`). */
export interface RuntimeSettings {
  readonly ackDelayMs: number;
  readonly anomalyRate: number;
  /** How many of the next deliveries get a 503 before anything is read. */
  readonly failNext: number;
  /**
   * While true, deliveries get no answer at all (a ministry that stopped answering); they are answered
   * 503, unread and uncounted, once `hang` is turned off, on reset or at shutdown.
   */
  readonly hang: boolean;
  /**
   * How many of the next deliveries are read and counted, then answered only after `slowAnswerMs`:
   * a ministry that took the archive but whose answer the sender gives up waiting for.
   */
  readonly slowNext: number;
  readonly slowAnswerMs: number;
}

/** What became of a delivery the simulator read. */
export type DeliveryResult = { readonly status: 'unavailable' } | { readonly status: 'received'; readonly outcome: DeliveryOutcome };

/** How many received archives the simulator keeps for `GET /sim/actes/:name`, and their total size: oldest go first. */
const KEPT_ARCHIVES = 2000;
const KEPT_BYTES = 256 * 1024 * 1024;

/** Most entries a 1-1 archive may hold: envelope, message, main document and a generous number of annexes. */
const MAX_ENTRIES = 512;
/** The nature code the simulated anomalies carry; the meaning of the codes is not published. */
const SIMULATED_ANOMALY_NATURE = '001';

/**
 * The simulated ministry: reads deliveries, counts them in the ledger, and after a delay puts the reply
 * (1-2 or 1-3) in the mailbox. Everything is in memory; {@link reset} forgets it all.
 */
@Injectable()
export class SimService implements OnModuleDestroy {
  private ledger = new DeliveryLedger();
  private mailbox = new Mailbox();
  private envelopeSequence = 0;
  /** The IDActes the simulated préfecture gave in a 1-2: only those can be cancelled by a 6-1. */
  private acknowledged = new Set<string>();
  private random: Random;
  private settings: RuntimeSettings;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly held = new Set<() => void>();
  private readonly slow = new Set<() => void>();
  /** The bytes first received under each archive name, in arrival order (bounded). */
  private kept = new Map<string, Buffer>();
  private keptBytes = 0;

  constructor(@Inject(STATE_SIM_CONFIG) private readonly config: StateSimConfig) {
    this.random = randomSource(config.seed);
    this.settings = this.initialSettings();
  }

  private initialSettings(): RuntimeSettings {
    return { ackDelayMs: this.config.ackDelayMs, anomalyRate: this.config.anomalyRate, failNext: 0, hang: false, slowNext: 0, slowAnswerMs: 30_000 };
  }

  /** Largest body the simulator reads. */
  get maxArchiveBytes(): number {
    return this.config.maxArchiveBytes;
  }

  /** Receives a 1-1 archive. @throws SimError when it is malformed (nothing is counted then). */
  async deliverActe(archiveName: string, body: Buffer): Promise<DeliveryResult> {
    if (this.settings.hang) {
      await new Promise<void>((release) => this.held.add(release));
      return { status: 'unavailable' };
    }
    if (this.settings.failNext > 0) {
      this.settings = { ...this.settings, failNext: this.settings.failNext - 1 };
      return { status: 'unavailable' };
    }
    const limits = { maxInflatedBytes: this.config.maxArchiveBytes * 2, maxEntries: MAX_ENTRIES };
    let delivery: ActeDelivery;
    try {
      delivery = await readActeDelivery(archiveName, body, limits);
    } catch (error) {
      // No 1-1 message: it may be a 6-1 (told by its message's name, `IDActe-6-1_n.xml`).
      if (!(error instanceof SimError) || error.code !== SimErrorCode.MissingActeMessage) throw error;
      const files = await unpackArchive(body, limits);
      if (!isAnnulationArchive(files)) throw error;
      return this.deliverAnnulation(readAnnulationDelivery(archiveName, files), body);
    }
    const outcome = this.ledger.record({
      archiveName,
      sha256: createHash('sha256').update(body).digest('hex'),
      siren: delivery.siren,
      numeroInterne: delivery.acte.numeroInterne,
    });
    if ((outcome === 'accepted' || outcome === 'duplicate') && !this.kept.has(archiveName)) this.keep(archiveName, body);
    if (outcome === 'accepted') this.scheduleReply(delivery, new Date().toISOString().slice(0, 10));
    if (this.settings.slowNext > 0) {
      this.settings = { ...this.settings, slowNext: this.settings.slowNext - 1 };
      await this.holdFor(this.settings.slowAnswerMs);
    }
    return { status: 'received', outcome };
  }

  /**
   * A 6-1: refused (`SIM.UNKNOWN_ID_ACTE`, nothing counted) unless its IDActe is one this préfecture
   * acknowledged; then counted under `byKind.annulation` and, when new, answered by a 6-2 ARAnnulation
   * after `ackDelayMs`.
   */
  private async deliverAnnulation(delivery: AnnulationDelivery, body: Buffer): Promise<DeliveryResult> {
    if (!this.acknowledged.has(delivery.idActe)) {
      throw new SimError(SimErrorCode.UnknownIdActe, `No acte ${delivery.idActe} was acknowledged by this préfecture: it cannot be cancelled.`);
    }
    const outcome = this.ledger.recordAnnulation({
      archiveName: delivery.archiveName,
      sha256: createHash('sha256').update(body).digest('hex'),
      idActe: delivery.idActe,
    });
    if ((outcome === 'accepted' || outcome === 'duplicate') && !this.kept.has(delivery.archiveName)) this.keep(delivery.archiveName, body);
    if (outcome === 'accepted') {
      const date = new Date().toISOString().slice(0, 10);
      const mailbox = this.mailbox;
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.envelopeSequence += 1;
        const reply = buildAnnulationReply(delivery, date, this.envelopeSequence);
        const [envelope] = reply.files;
        mailbox.deliver({
          kind: reply.kind,
          archiveName: envelope.name.replace(/\.xml$/, '.tar.gz'),
          receivedFor: delivery.archiveName,
          files: reply.files,
        });
      }, this.settings.ackDelayMs);
      this.timers.add(timer);
    }
    await Promise.resolve();
    return { status: 'received', outcome };
  }

  private scheduleReply(delivery: ActeDelivery, dateReception: string): void {
    const anomaly = this.random() < this.settings.anomalyRate;
    const mailbox = this.mailbox;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.envelopeSequence += 1;
      const reply = buildActeReply(
        delivery,
        {
          date: dateReception,
          sequence: this.envelopeSequence,
          classificationDateVersionEnCours: delivery.acte.classificationDateVersion,
        },
        anomaly ? { nature: SIMULATED_ANOMALY_NATURE, detail: 'Anomalie simulée (STATE_SIM_ANOMALY_RATE).' } : undefined,
      );
      if (!anomaly) this.acknowledged.add(delivery.idActe);
      const [envelope] = reply.files;
      mailbox.deliver({
        kind: reply.kind,
        archiveName: envelope.name.replace(/\.xml$/, '.tar.gz'),
        receivedFor: delivery.archiveName,
        files: reply.files,
      });
    }, this.settings.ackDelayMs);
    this.timers.add(timer);
  }

  /** A page of the unacknowledged replies. */
  listMailbox(after: number, limit: number): MailboxPage {
    return this.mailbox.list(after, limit);
  }

  /** Acknowledges a reply; false if no such reply was ever issued. */
  ackMailbox(id: number): boolean {
    return this.mailbox.ack(id);
  }

  /** The counters of `/sim/stats`. */
  stats(): Stats {
    return this.ledger.stats();
  }

  /** The current knobs. */
  runtimeSettings(): RuntimeSettings {
    return this.settings;
  }

  /** Changes some knobs; the others stay as they are. */
  configure(change: Partial<RuntimeSettings>): RuntimeSettings {
    this.settings = { ...this.settings, ...change };
    if (!this.settings.hang) this.releaseHeld();
    return this.settings;
  }

  /** Forgets every delivery, reply and knob change, drops the replies still pending and releases held requests. */
  reset(): void {
    this.clearTimers();
    this.ledger = new DeliveryLedger();
    this.mailbox = new Mailbox();
    this.envelopeSequence = 0;
    this.acknowledged = new Set();
    this.kept = new Map();
    this.keptBytes = 0;
    this.random = randomSource(this.config.seed);
    this.settings = this.initialSettings();
    this.releaseHeld();
    this.releaseSlow();
  }

  onModuleDestroy(): void {
    this.clearTimers();
    this.releaseHeld();
    this.releaseSlow();
  }

  /** The bytes first received under an archive name, while the simulator keeps them. */
  receivedArchive(archiveName: string): Buffer | undefined {
    return this.kept.get(archiveName);
  }

  private keep(archiveName: string, body: Buffer): void {
    this.kept.set(archiveName, body);
    this.keptBytes += body.length;
    for (const [name, bytes] of this.kept) {
      if (this.kept.size <= KEPT_ARCHIVES && this.keptBytes <= KEPT_BYTES) break;
      this.kept.delete(name);
      this.keptBytes -= bytes.length;
    }
  }

  /** Waits `ms`, or less when held requests are released (reset, shutdown). */
  private async holdFor(ms: number): Promise<void> {
    await new Promise<void>((release) => {
      const timer = setTimeout(done, ms);
      const slow = this.slow;
      function done(): void {
        clearTimeout(timer);
        slow.delete(done);
        release();
      }
      slow.add(done);
    });
  }

  private releaseHeld(): void {
    for (const release of this.held) release();
    this.held.clear();
  }

  private releaseSlow(): void {
    for (const release of [...this.slow]) release();
  }

  private clearTimers(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
