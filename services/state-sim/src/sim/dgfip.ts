import { utcDay } from './day.js';
import { KeptFiles } from './kept.js';
import type { DeliveryLedger, DeliveryOutcome } from './ledger.js';
import { Mailbox, type MailboxPage } from './mailbox.js';
import { type PesAnswerSettings, answerPes } from './pes.answer.js';
import type { PesDeposit } from './pes.read.js';
import { buildPesRetour } from './pes.retour.js';
import type { Random } from './random.js';

/** What the DGFiP sends back: an acquittal of a PES_Aller, its refusal as a whole, or information. */
export type PesReturnKind = 'PES_Acquit' | 'PES_NonAcquit' | 'PES_Retour';

/** A file waiting on the DGFiP's server until the operator collects it (`GET /sim/pes/returns`). */
export interface PesReturn {
  /** Increasing from 1; `after=<id>` pages on it. */
  readonly id: number;
  readonly kind: PesReturnKind;
  readonly fileName: string;
  /** The PES_Aller file name this answers; absent for a PES_Retour. */
  readonly receivedFor?: string;
  readonly content: Buffer;
}

/** The settings the DGFiP reads as it answers a deposit. */
export interface DgfipSettings extends PesAnswerSettings {
  readonly ackDelayMs: number;
}

/** A PES_Retour asked for (`POST /sim/pes/retours`), checked. */
export interface PesRetourRequest {
  readonly siret: string;
  readonly idPost?: string | undefined;
  readonly codCol?: string | undefined;
  readonly text?: string | undefined;
}

/** A PES_Retour put among the returns. */
export interface SentPesRetour {
  readonly id: number;
  readonly fileName: string;
}

/** The poste and CodCol a PES_Retour names when asked with a SIRET that sent nothing (the Hérault's paierie). */
const DEFAULT_RETOUR_ROUTE = { idPost: '034000', codCol: '001' } as const;
const DEFAULT_RETOUR_TEXT = 'Mandats du bordereau pris en charge par le comptable.';

/**
 * The names of the DGFiP's files: ours, `<PESACQUIT|PESNONACQUIT|PESRETOUR>_<SIRET>_<YYMMDD>_<NNN>.xml`
 * after the PES_Aller's; the operator matches them by their content (NomFic + CodCol, IdColl), never by name.
 */
function returnName(kind: PesReturnKind, siret: string, day: string, number: number): string {
  const prefix = kind === 'PES_Acquit' ? 'PESACQUIT' : kind === 'PES_NonAcquit' ? 'PESNONACQUIT' : 'PESRETOUR';
  return `${prefix}_${siret}_${day.slice(2).replace(/-/g, '')}_${String(number).padStart(3, '0')}.xml`;
}

/**
 * One run of the simulated DGFiP (Hélios), in memory: the PES_Aller files it received (counted in the
 * ledger, the bytes kept) and its server, where each answer waits after `ackDelayMs` until the operator
 * collects and acknowledges it. Deposits come in already read and checked; this counts them and answers.
 */
export class Dgfip {
  private readonly returns = new Mailbox<PesReturn>();
  private readonly kept = new KeptFiles();
  private readonly timers = new Set<NodeJS.Timeout>();
  /** IdColl → IdPost and CodCol of the last file accepted from it, which a PES_Retour names by default. */
  private readonly routes = new Map<string, { readonly idPost: string; readonly codCol: string }>();

  /**
   * @param ledger the counters of `/sim/stats`, shared with the préfecture.
   * @param nextFileNumber the numbering of the DGFiP's files, which outlives a reset (their names stay unique).
   */
  constructor(
    private readonly ledger: DeliveryLedger,
    private readonly random: Random,
    private readonly nextFileNumber: () => number,
  ) {}

  /**
   * A PES_Aller: counted under `byKind.pes` and, when new, answered after `ackDelayMs` by a PES_Acquit
   * or a PES_NonAcquit as the settings draw it. Retries, conflicts and duplicates get no answer.
   */
  receive(deposit: PesDeposit, settings: DgfipSettings): DeliveryOutcome {
    const { fileName, enTete } = deposit;
    const outcome = this.ledger.recordPes({ fileName, sha256: deposit.sha256, codCol: enTete.codCol, nomFic: deposit.nomFic });
    this.kept.keep(outcome, fileName, deposit.body);
    if (outcome !== 'accepted') return outcome;
    this.routes.set(enTete.idColl, { idPost: enTete.idPost, codCol: enTete.codCol });
    // Drawn and written now, so that the timer holds the answer only, not the deposit.
    const answer = answerPes(deposit, settings, this.random, utcDay());
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      const name = returnName(answer.kind, enTete.idColl, utcDay(), this.nextFileNumber());
      this.returns.deliver({ kind: answer.kind, fileName: name, receivedFor: fileName, content: answer.content });
    }, settings.ackDelayMs);
    this.timers.add(timer);
    return outcome;
  }

  /**
   * Puts at once a PES_Retour for a SIRET among the returns. Its IdPost and CodCol default to those of
   * the last file accepted from that SIRET, else to the Hérault's paierie (034000) and CodCol 001.
   */
  sendRetour(request: PesRetourRequest): SentPesRetour {
    const day = utcDay();
    const route = this.routes.get(request.siret) ?? DEFAULT_RETOUR_ROUTE;
    const fileName = returnName('PES_Retour', request.siret, day, this.nextFileNumber());
    const content = buildPesRetour({
      nomFic: fileName,
      day,
      siret: request.siret,
      idPost: request.idPost ?? route.idPost,
      codCol: request.codCol ?? route.codCol,
      text: request.text ?? DEFAULT_RETOUR_TEXT,
    });
    const item = this.returns.deliver({ kind: 'PES_Retour', fileName, content });
    return { id: item.id, fileName };
  }

  /** A page of the files not yet acknowledged by the operator. */
  listReturns(after: number, limit: number): MailboxPage<PesReturn> {
    return this.returns.list(after, limit);
  }

  /** Removes a file the operator recorded; harmless twice, false for an id never issued. */
  ackReturn(id: number): boolean {
    return this.returns.ack(id);
  }

  /** The bytes first deposited under a file name, while they are kept. */
  receivedFile(fileName: string): Buffer | undefined {
    return this.kept.get(fileName);
  }

  /** Drops the answers still pending. */
  stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
