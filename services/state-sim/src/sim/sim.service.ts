import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';

import { type UnpackLimits, unpackArchive } from '@relais/actes';
import type { StateSimConfig } from '../config.js';
import { STATE_SIM_CLASSIFICATION, STATE_SIM_CONFIG } from '../tokens.js';
import { readAnnulationDelivery } from './annulation.read.js';
import { archiveKind } from './archive.kind.js';
import { type ActeDelivery, readActeDelivery } from './archive.read.js';
import type { Classification } from './classification.catalogue.js';
import { readClassificationDelivery } from './classification.read.js';
import type { CourrierCode } from './courrier.codes.js';
import { readReceivedEnvelope } from './envelope.read.js';
import type { DeliveryOutcome, Stats } from './ledger.js';
import type { MailboxPage } from './mailbox.js';
import { Prefecture, type SentCourrier } from './prefecture.js';
import { randomSource } from './random.js';
import { readReponseDelivery } from './reponse.read.js';
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
  /** How many of the next accepted 1-1 archives are refused by an `AnomalieEnveloppe` instead of a 1-2 or 1-3. */
  readonly envelopeAnomalyNext: number;
  /** `DateClassification` of the préfecture's classification, `YYYY-MM-DD`: a 7-1 holding an older one (or none) gets a 7-2. */
  readonly classificationDate: string;
}

/** What became of a delivery the simulator read. */
export type DeliveryResult = { readonly status: 'unavailable' } | { readonly status: 'received'; readonly outcome: DeliveryOutcome };

/** Most entries a 1-1 archive may hold: envelope, message, main document and a generous number of annexes. */
const MAX_ENTRIES = 512;

/**
 * The simulated ministry: simulates its outages, reads each delivery (1-1, or else 6-1, an answer to a
 * letter, 7-1), and hands it to the {@link Prefecture}, which counts it and answers; sends letters when
 * asked. Everything is in memory; {@link reset} forgets it all.
 */
@Injectable()
export class SimService implements OnModuleDestroy {
  private prefecture: Prefecture;
  private settings: RuntimeSettings;
  private readonly held = new Set<() => void>();
  private readonly slow = new Set<() => void>();

  constructor(
    @Inject(STATE_SIM_CONFIG) private readonly config: StateSimConfig,
    @Inject(STATE_SIM_CLASSIFICATION) private readonly classification: Classification,
  ) {
    this.prefecture = this.newPrefecture();
    this.settings = this.initialSettings();
  }

  /** The préfecture's envelope numbering: kept across resets, so that no two of its messages share a name. */
  private envelopeNumber = 0;

  private newPrefecture(): Prefecture {
    return new Prefecture(this.classification, randomSource(this.config.seed), () => {
      this.envelopeNumber += 1;
      return this.envelopeNumber;
    });
  }

  private initialSettings(): RuntimeSettings {
    return {
      ackDelayMs: this.config.ackDelayMs,
      anomalyRate: this.config.anomalyRate,
      failNext: 0,
      hang: false,
      slowNext: 0,
      slowAnswerMs: 30_000,
      envelopeAnomalyNext: 0,
      classificationDate: this.config.classificationDate ?? this.classification.version,
    };
  }

  /** Largest body the simulator reads. */
  get maxArchiveBytes(): number {
    return this.config.maxArchiveBytes;
  }

  private get limits(): UnpackLimits {
    return { maxInflatedBytes: this.config.maxArchiveBytes * 2, maxEntries: MAX_ENTRIES };
  }

  /**
   * Receives an archive of the collectivité: a 1-1, or else a 6-1, an answer to a letter or a 7-1 (told
   * by its message's name). @throws SimError when it is malformed or names what this préfecture does
   * not know (nothing is counted then).
   */
  async deliverActe(archiveName: string, body: Buffer): Promise<DeliveryResult> {
    if (this.settings.hang) {
      await new Promise<void>((release) => this.held.add(release));
      return { status: 'unavailable' };
    }
    if (this.settings.failNext > 0) {
      this.settings = { ...this.settings, failNext: this.settings.failNext - 1 };
      return { status: 'unavailable' };
    }
    const outcome = await this.receive(archiveName, body);
    if (this.settings.slowNext > 0) {
      this.settings = { ...this.settings, slowNext: this.settings.slowNext - 1 };
      await this.holdFor(this.settings.slowAnswerMs);
    }
    return { status: 'received', outcome };
  }

  private async receive(archiveName: string, body: Buffer): Promise<DeliveryOutcome> {
    let delivery: ActeDelivery;
    try {
      delivery = await readActeDelivery(archiveName, body, this.limits);
    } catch (error) {
      if (!(error instanceof SimError) || error.code !== SimErrorCode.MissingActeMessage) throw error;
      const files = await unpackArchive(body, this.limits);
      const kind = archiveKind(files);
      if (kind === 'annulation') return this.prefecture.receiveAnnulation(readAnnulationDelivery(archiveName, files), body, this.settings);
      if (kind === 'reply') return this.prefecture.receiveReponse(readReponseDelivery(archiveName, files), body, this.settings);
      if (kind === 'classification') {
        return this.prefecture.receiveClassification(readClassificationDelivery(archiveName, files), body, this.settings);
      }
      throw error;
    }
    if (this.settings.envelopeAnomalyNext === 0 || !this.prefecture.wouldAccept(delivery, body)) {
      return this.prefecture.receiveActe(delivery, body, this.settings);
    }
    // An envelope anomaly echoes the envelope: read it again, before anything is counted.
    const invalid = (message: string): SimError => new SimError(SimErrorCode.InvalidEnvelope, message);
    const envelope = readReceivedEnvelope(archiveName, await unpackArchive(body, this.limits), invalid);
    this.settings = { ...this.settings, envelopeAnomalyNext: this.settings.envelopeAnomalyNext - 1 };
    return this.prefecture.receiveActe(delivery, body, this.settings, envelope);
  }

  /** Sends at once a letter about an acte this préfecture acknowledged. @throws SimError `SIM.UNKNOWN_ID_ACTE` */
  sendCourrier(idActe: string, code: CourrierCode, text: string | undefined): SentCourrier {
    return this.prefecture.sendCourrier(idActe, code, text);
  }

  /** A page of the unacknowledged replies. */
  listMailbox(after: number, limit: number): MailboxPage {
    return this.prefecture.listMailbox(after, limit);
  }

  /** Acknowledges a reply; false if no such reply was ever issued. */
  ackMailbox(id: number): boolean {
    return this.prefecture.ackMailbox(id);
  }

  /** The counters of `/sim/stats`. */
  stats(): Stats {
    return this.prefecture.stats();
  }

  /** The bytes first received under an archive name, while the simulator keeps them. */
  receivedArchive(archiveName: string): Buffer | undefined {
    return this.prefecture.receivedArchive(archiveName);
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

  /** Forgets every delivery, reply, letter and knob change, drops the replies still pending and releases held requests. */
  reset(): void {
    this.prefecture.stop();
    this.prefecture = this.newPrefecture();
    this.settings = this.initialSettings();
    this.releaseHeld();
    this.releaseSlow();
  }

  onModuleDestroy(): void {
    this.prefecture.stop();
    this.releaseHeld();
    this.releaseSlow();
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
}
