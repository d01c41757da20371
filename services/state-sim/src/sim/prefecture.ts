import { createHash } from 'node:crypto';

import type { AnnulationDelivery } from './annulation.read.js';
import { buildAnnulationReply } from './annulation.reply.js';
import type { ActeDelivery } from './archive.read.js';
import type { Classification } from './classification.catalogue.js';
import type { ClassificationDelivery } from './classification.read.js';
import { buildClassificationReply } from './classification.reply.js';
import { REPONSE, type CourrierCode, type CourrierKind } from './courrier.codes.js';
import { type CourrierRef, buildAccuse, buildCourrier } from './courrier.xml.js';
import { utcDay } from './day.js';
import { buildEnvelopeAnomaly } from './envelope-anomaly.xml.js';
import type { ReceivedEnvelope } from './envelope.read.js';
import type { MinistryMessage } from './envelope.xml.js';
import { KeptFiles } from './kept.js';
import type { ActeDeliveryFacts, DeliveryLedger, DeliveryOutcome } from './ledger.js';
import { Mailbox, type MailboxItem, type MailboxPage } from './mailbox.js';
import type { Random } from './random.js';
import type { ReponseDelivery } from './reponse.read.js';
import { buildActeReply } from './reply.xml.js';
import { SimError, SimErrorCode } from './sim.errors.js';

/** The settings the préfecture reads as it answers a delivery. */
export interface AnswerSettings {
  readonly ackDelayMs: number;
  /** Share of accepted actes answered by a 1-3 instead of a 1-2. */
  readonly anomalyRate: number;
  /** `DateClassification` of the préfecture's classification. */
  readonly classificationDate: string;
}

/** A letter the préfecture sent on a call (`POST /sim/actes/:idActe/messages`). */
export interface SentCourrier {
  /** Its mailbox item. */
  readonly id: number;
  readonly kind: CourrierKind;
  readonly messageName: string;
  readonly dateCourrierPref: string;
}

/** The nature code the simulated anomalies carry; the meaning of the codes is not published. */
const SIMULATED_ANOMALY_NATURE = '001';

function sha256(body: Buffer): string {
  return createHash('sha256').update(body).digest('hex');
}

/** How the préfecture files a letter it sent, to know the answers to it: its acte, its code, its day. */
function letterKey(letter: CourrierRef, code: CourrierCode): string {
  return `${letter.idActe}/${code}/${letter.dateCourrierPref}`;
}

/**
 * One run of the simulated préfecture, in memory: what it received (counted in the ledger, the bytes
 * kept), the actes it acknowledged, the letters it sent, and its mailbox, where each answer lands after
 * `ackDelayMs`. Deliveries come in already read and checked; this decides what they are and what to answer.
 */
export class Prefecture {
  private readonly mailbox = new Mailbox();
  /** The IDActes given in a 1-2: only those can be cancelled or written about. */
  private readonly acknowledged = new Set<string>();
  /** The letters sent ({@link letterKey}): only those can be answered. */
  private readonly letters = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  /** The bytes first received under each archive name (bounded). */
  private readonly kept = new KeptFiles();

  /**
   * @param ledger the counters of `/sim/stats`, which the préfecture shares with the DGFiP.
   * @param nextEnvelopeNumber the préfecture's envelope numbering, which outlives a reset (a ministry
   * never numbers two messages alike, and the operator's log identifies a message by its envelope name).
   */
  constructor(
    private readonly ledger: DeliveryLedger,
    private readonly classification: Classification,
    private readonly random: Random,
    private readonly nextEnvelopeNumber: () => number,
  ) {}

  /** Whether a 1-1 would be accepted (a new archive carrying a new acte), without counting it. */
  wouldAccept(delivery: ActeDelivery, body: Buffer): boolean {
    return this.ledger.classify(acteFacts(delivery, body)) === 'accepted';
  }

  /**
   * A 1-1: counted under `byKind.acte` and, when new, answered by a 1-2 ARActe, a 1-3 AnomalieActe (at
   * `anomalyRate`), or, when `refusedEnvelope` is given, an AnomalieEnveloppe echoing it.
   */
  receiveActe(delivery: ActeDelivery, body: Buffer, settings: AnswerSettings, refusedEnvelope?: ReceivedEnvelope): DeliveryOutcome {
    const outcome = this.ledger.record(acteFacts(delivery, body));
    this.kept.keep(outcome, delivery.archiveName, body);
    if (outcome !== 'accepted') return outcome;
    const date = utcDay();
    if (refusedEnvelope !== undefined) {
      const anomaly = { nature: SIMULATED_ANOMALY_NATURE, detail: "Anomalie d'enveloppe simulée (envelopeAnomalyNext)." } as const;
      this.answerLater(delivery.archiveName, settings, () => buildEnvelopeAnomaly(refusedEnvelope, date, anomaly));
      return outcome;
    }
    const anomaly = this.random() < settings.anomalyRate;
    this.answerLater(delivery.archiveName, settings, (sequence) => {
      if (!anomaly) this.acknowledged.add(delivery.idActe);
      return buildActeReply(
        delivery,
        { date, sequence, classificationDateVersionEnCours: delivery.acte.classificationDateVersion },
        anomaly ? { nature: SIMULATED_ANOMALY_NATURE, detail: 'Anomalie simulée (STATE_SIM_ANOMALY_RATE).' } : undefined,
      );
    });
    return outcome;
  }

  /**
   * A 6-1: refused (`SIM.UNKNOWN_ID_ACTE`, nothing counted) unless its IDActe is one this préfecture
   * acknowledged; then counted under `byKind.annulation` and, when new, answered by a 6-2 ARAnnulation.
   */
  receiveAnnulation(delivery: AnnulationDelivery, body: Buffer, settings: AnswerSettings): DeliveryOutcome {
    if (!this.acknowledged.has(delivery.idActe)) {
      throw new SimError(SimErrorCode.UnknownIdActe, `No acte ${delivery.idActe} was acknowledged by this préfecture: it cannot be cancelled.`);
    }
    const outcome = this.ledger.recordAnnulation({ archiveName: delivery.archiveName, sha256: sha256(body), idActe: delivery.idActe });
    this.kept.keep(outcome, delivery.archiveName, body);
    if (outcome === 'accepted') {
      const date = utcDay();
      this.answerLater(delivery.archiveName, settings, (sequence) => buildAnnulationReply(delivery, { date, sequence }));
    }
    return outcome;
  }

  /**
   * An answer to a letter: refused (`SIM.UNKNOWN_COURRIER`, nothing counted) unless it names a letter
   * this préfecture sent of its transaction; then counted under `byKind.reply` (a second archive
   * answering the same letter with the same code is a duplicate) and, when new, a 3-3/3-4 answered by a
   * 3-5 and a 4-3/4-4 by a 4-5. The ARs 3-2, 4-2 and the 2-2 get no answer.
   */
  receiveReponse(delivery: ReponseDelivery, body: Buffer, settings: AnswerSettings): DeliveryOutcome {
    const rule = REPONSE[delivery.code];
    const letter = letterKey(delivery.letter, rule.answers);
    if (!this.letters.has(letter)) {
      throw new SimError(
        SimErrorCode.UnknownCourrier,
        `No ${rule.answers} letter about ${delivery.letter.idActe} dated ${delivery.letter.dateCourrierPref} was sent by this préfecture.`,
      );
    }
    const outcome = this.ledger.recordKeyed('reply', { archiveName: delivery.archiveName, sha256: sha256(body), key: `${letter}/${delivery.code}` });
    this.kept.keep(outcome, delivery.archiveName, body);
    const { accuse } = rule;
    if (outcome === 'accepted' && accuse !== undefined) {
      const date = utcDay();
      this.answerLater(delivery.archiveName, settings, (sequence) => buildAccuse(accuse, delivery.letter, { date, sequence }));
    }
    return outcome;
  }

  /**
   * A 7-1: counted under `byKind.classification` (a collectivité may ask again whenever it likes, so
   * every new archive is a new request: only a resent or reused archive name is a retry or a conflict)
   * and answered by a 7-2 with the préfecture's classification, or a 7-3 when the collectivité's is current.
   */
  receiveClassification(delivery: ClassificationDelivery, body: Buffer, settings: AnswerSettings): DeliveryOutcome {
    const date = utcDay();
    const key = delivery.archiveName;
    const outcome = this.ledger.recordKeyed('classification', { archiveName: delivery.archiveName, sha256: sha256(body), key });
    this.kept.keep(outcome, delivery.archiveName, body);
    if (outcome === 'accepted') {
      const prefecture = { classification: this.classification, date: settings.classificationDate };
      this.answerLater(delivery.archiveName, settings, (sequence) => buildClassificationReply(delivery, prefecture, { date, sequence }));
    }
    return outcome;
  }

  /**
   * Sends at once, dated today, a letter about an acte this préfecture acknowledged: 2-1, 3-1, 4-1 or
   * 5-1 with its PDF. @throws SimError `SIM.UNKNOWN_ID_ACTE` for any other IDActe.
   */
  sendCourrier(idActe: string, code: CourrierCode, text: string | undefined): SentCourrier {
    if (!this.acknowledged.has(idActe)) {
      throw new SimError(SimErrorCode.UnknownIdActe, `No acte ${idActe} was acknowledged by this préfecture: it has nothing to write about it.`);
    }
    const date = utcDay();
    const courrier = buildCourrier({ code, idActe, text }, { date, sequence: this.nextEnvelopeNumber() });
    this.letters.add(letterKey({ idActe, dateCourrierPref: date }, code));
    const item = this.post(courrier, undefined);
    return { id: item.id, kind: courrier.kind, messageName: courrier.messageName, dateCourrierPref: date };
  }

  /** A page of the unacknowledged messages. */
  listMailbox(after: number, limit: number): MailboxPage {
    return this.mailbox.list(after, limit);
  }

  /** Acknowledges a message; false if no such message was ever issued. */
  ackMailbox(id: number): boolean {
    return this.mailbox.ack(id);
  }

  /** The bytes first received under an archive name, while they are kept. */
  receivedArchive(archiveName: string): Buffer | undefined {
    return this.kept.get(archiveName);
  }

  /** Drops the answers still pending. */
  stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  /** Puts a message in the mailbox after `ackDelayMs`, numbering its envelope then. */
  private answerLater(receivedFor: string, settings: AnswerSettings, build: (sequence: number) => MinistryMessage): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.post(build(this.nextEnvelopeNumber()), receivedFor);
    }, settings.ackDelayMs);
    this.timers.add(timer);
  }

  private post(message: MinistryMessage, receivedFor: string | undefined): MailboxItem {
    const [envelope] = message.files;
    return this.mailbox.deliver({
      kind: message.kind,
      archiveName: envelope.name.replace(/\.xml$/, '.tar.gz'),
      ...(receivedFor === undefined ? {} : { receivedFor }),
      files: message.files,
    });
  }
}

function acteFacts(delivery: ActeDelivery, body: Buffer): ActeDeliveryFacts {
  return { archiveName: delivery.archiveName, sha256: sha256(body), siren: delivery.siren, numeroInterne: delivery.acte.numeroInterne };
}
