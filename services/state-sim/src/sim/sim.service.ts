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
import { Dgfip, type PesReturn, type PesRetourRequest, type SentPesRetour } from './dgfip.js';
import { DeliveryLedger, type DeliveryOutcome, type Stats } from './ledger.js';
import type { MailboxPage } from './mailbox.js';
import { readPesFileName, readPesRouting } from './pes.name.js';
import { readPesDeposit } from './pes.read.js';
import { Prefecture, type SentCourrier } from './prefecture.js';
import { randomSource } from './random.js';
import { readReponseDelivery } from './reponse.read.js';
import type { RuntimeSettings } from './runtime-settings.js';
import { SimError, SimErrorCode } from './sim.errors.js';

/** What became of a delivery the simulator read. */
export type DeliveryResult = { readonly status: 'unavailable' } | { readonly status: 'received'; readonly outcome: DeliveryOutcome };

/** Most entries a 1-1 archive may hold: envelope, message, main document and a generous number of annexes. */
const MAX_ENTRIES = 512;

/** A PES_Aller deposit as it comes in: its name, its `X-Pes-Routing` header, its bytes as they stream. */
export interface PesDepositRequest {
  readonly fileName: string;
  readonly routing: string | undefined;
  readonly body: AsyncIterable<unknown>;
}

/**
 * The simulated State: simulates its outages, reads each delivery (1-1, or else 6-1, an answer to a
 * letter, 7-1), and hands it to the {@link Prefecture}, which counts it and answers; sends letters when
 * asked. Plays the DGFiP the same way: reads each PES_Aller and hands it to the {@link Dgfip}.
 * Everything is in memory; {@link reset} forgets it all.
 */
@Injectable()
export class SimService implements OnModuleDestroy {
  private ledger: DeliveryLedger;
  private prefecture: Prefecture;
  private dgfip: Dgfip;
  private settings: RuntimeSettings;
  private readonly held = new Set<() => void>();
  private readonly slow = new Set<() => void>();

  constructor(
    @Inject(STATE_SIM_CONFIG) private readonly config: StateSimConfig,
    @Inject(STATE_SIM_CLASSIFICATION) private readonly classification: Classification,
  ) {
    this.ledger = new DeliveryLedger();
    this.prefecture = this.newPrefecture();
    this.dgfip = this.newDgfip();
    this.settings = this.initialSettings();
  }

  /** The préfecture's envelope numbering: kept across resets, so that no two of its messages share a name. */
  private envelopeNumber = 0;
  /** The DGFiP's file numbering, kept across resets for the same reason. */
  private pesFileNumber = 0;

  private newPrefecture(): Prefecture {
    return new Prefecture(this.ledger, this.classification, randomSource(this.config.seed), () => {
      this.envelopeNumber += 1;
      return this.envelopeNumber;
    });
  }

  private newDgfip(): Dgfip {
    return new Dgfip(this.ledger, randomSource(this.config.seed), () => {
      this.pesFileNumber += 1;
      return this.pesFileNumber;
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
      pesPartialRate: this.config.pesPartialRate,
      pesNackRate: this.config.pesNackRate,
      pesNonAcquitRate: this.config.pesNonAcquitRate,
      pesErrorCode: this.config.pesErrorCode,
    };
  }

  /** Largest body the simulator reads (an archive or a PES file). */
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
  deliverActe(archiveName: string, body: Buffer): Promise<DeliveryResult> {
    return this.underOutages(() => this.receive(archiveName, body));
  }

  /**
   * Receives a PES_Aller deposited on the DGFiP's gateway, reading it as it streams in (nothing is read
   * during an outage). @throws SimError when its name, routing or content is refused (nothing is counted then).
   */
  deliverPes(request: PesDepositRequest): Promise<DeliveryResult> {
    return this.underOutages(async () => {
      const name = readPesFileName(request.fileName);
      const routing = readPesRouting(request.routing);
      const deposit = await readPesDeposit(name, routing, request.body, this.config.maxArchiveBytes);
      return this.dgfip.receive(deposit, this.settings);
    });
  }

  /** The simulated outages around a delivery: `hang`, `failNext` before it is read, `slowNext` after. */
  private async underOutages(receive: () => Promise<DeliveryOutcome>): Promise<DeliveryResult> {
    if (this.settings.hang) {
      await new Promise<void>((release) => this.held.add(release));
      return { status: 'unavailable' };
    }
    if (this.settings.failNext > 0) {
      this.settings = { ...this.settings, failNext: this.settings.failNext - 1 };
      return { status: 'unavailable' };
    }
    const outcome = await receive();
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

  /** Puts at once a PES_Retour for a SIRET among the DGFiP's returns. */
  sendPesRetour(request: PesRetourRequest): SentPesRetour {
    return this.dgfip.sendRetour(request);
  }

  /** A page of the DGFiP's files not yet collected. */
  listPesReturns(after: number, limit: number): MailboxPage<PesReturn> {
    return this.dgfip.listReturns(after, limit);
  }

  /** Acknowledges a DGFiP file; false if no such file was ever issued. */
  ackPesReturn(id: number): boolean {
    return this.dgfip.ackReturn(id);
  }

  /** The bytes first deposited under a PES file name, while the simulator keeps them. */
  receivedPesFile(fileName: string): Buffer | undefined {
    return this.dgfip.receivedFile(fileName);
  }

  /** The counters of `/sim/stats`. */
  stats(): Stats {
    return this.ledger.stats();
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
    this.dgfip.stop();
    this.ledger = new DeliveryLedger();
    this.prefecture = this.newPrefecture();
    this.dgfip = this.newDgfip();
    this.settings = this.initialSettings();
    this.releaseHeld();
    this.releaseSlow();
  }

  onModuleDestroy(): void {
    this.prefecture.stop();
    this.dgfip.stop();
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
