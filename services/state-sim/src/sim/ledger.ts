/** The counters of API.md `/sim/stats`, for one kind of flow. */
export interface Counters {
  readonly received: number;
  readonly retries: number;
  readonly duplicates: number;
  readonly conflicts: number;
}

/**
 * `GET /sim/stats`: the totals of actes and PES files, and the same split by kind of flow. The 6-1
 * annulations (`byKind.annulation`), the answers to the préfecture's letters (`byKind.reply`: 2-2,
 * 3-2…3-4, 4-2…4-4) and the 7-1 classification requests (`byKind.classification`) are counted apart:
 * they are not actes, and the totals keep meaning what API.md says (distinct actes and PES files).
 */
export interface Stats extends Counters {
  readonly byKind: {
    readonly acte: Counters;
    readonly pes: Counters;
    readonly annulation: Counters;
    readonly reply: Counters;
    readonly classification: Counters;
  };
}

/** The flows other than 1-1 that are counted by a key of their own. */
export type KeyedFlow = 'annulation' | 'reply' | 'classification';

/**
 * The facts about a well-formed delivery of a {@link KeyedFlow} that the counting needs: a second,
 * different archive with the same `key` is a duplicate.
 */
export interface KeyedDeliveryFacts {
  readonly archiveName: string;
  readonly sha256: string;
  /** What the delivery asks: the IDActe to cancel, the letter and code answered, the classification request. */
  readonly key: string;
}

/** The facts about a well-formed 6-1 delivery that the counting needs. */
export interface AnnulationDeliveryFacts {
  readonly archiveName: string;
  readonly sha256: string;
  /** The IDActe whose cancellation is asked: a second archive for it is a duplicate. */
  readonly idActe: string;
}

/**
 * What a delivery was, from the State's point of view:
 * - `accepted`: a new archive carrying an acte not seen before;
 * - `retry`: the same archive name with the same bytes (a sender in doubt re-sending: ignored);
 * - `conflict`: the same archive name with other bytes;
 * - `duplicate`: a new archive carrying an acte (SIREN + numéro interne) already received in another one.
 */
export type DeliveryOutcome = 'accepted' | 'retry' | 'conflict' | 'duplicate';

/** The facts about a well-formed acte delivery that the counting needs. */
export interface ActeDeliveryFacts {
  readonly archiveName: string;
  /** SHA-256 of the archive's bytes. */
  readonly sha256: string;
  readonly siren: string;
  readonly numeroInterne: string;
}

/** The facts about a well-formed PES_Aller deposit that the counting needs. */
export interface PesDeliveryFacts {
  /** The name it was deposited under (`PESALR2_<SIRET>_<YYMMDD>_<NNN>.xml`). */
  readonly fileName: string;
  /** SHA-256 of the file's bytes. */
  readonly sha256: string;
  /** `EnTetePES/CodCol` and `Enveloppe/Parametres/NomFic`: a second, different file with both is a duplicate. */
  readonly codCol: string;
  readonly nomFic: string;
}

const ZERO: Counters = { received: 0, retries: 0, duplicates: 0, conflicts: 0 };

function bump(counters: Counters, outcome: DeliveryOutcome): Counters {
  switch (outcome) {
    case 'accepted':
      return { ...counters, received: counters.received + 1 };
    case 'retry':
      return { ...counters, retries: counters.retries + 1 };
    case 'conflict':
      return { ...counters, conflicts: counters.conflicts + 1 };
    case 'duplicate':
      return { ...counters, duplicates: counters.duplicates + 1 };
    default: {
      const unknown: never = outcome;
      throw new Error(`Unknown delivery outcome ${String(unknown)}`);
    }
  }
}

/**
 * What the simulated State has received, and the counters of `/sim/stats`. In memory, no I/O: mutable so
 * that a bench's hundreds of thousands of deliveries stay O(1) each.
 */
export class DeliveryLedger {
  /** Archive name → SHA-256 of the first bytes received under it. */
  private readonly archives = new Map<string, string>();
  /** `SIREN/numéro interne` → archive name that first carried the acte. */
  private readonly actes = new Map<string, string>();
  private acte: Counters = ZERO;
  /** Per keyed flow, key → archive name that first carried it. */
  private readonly keys: Readonly<Record<KeyedFlow, Map<string, string>>> = {
    annulation: new Map(),
    reply: new Map(),
    classification: new Map(),
  };
  private readonly keyed: Record<KeyedFlow, Counters> = { annulation: ZERO, reply: ZERO, classification: ZERO };
  /** PES file name → SHA-256 of the first bytes deposited under it. */
  private readonly pesFiles = new Map<string, string>();
  /** `CodCol/NomFic` of every PES file received, which the DGFiP matches its answers on. */
  private readonly pesKeys = new Set<string>();
  private pes: Counters = ZERO;

  /** Classifies a delivery against what was already received, without recording it. */
  classify(facts: ActeDeliveryFacts): DeliveryOutcome {
    const known = this.archives.get(facts.archiveName);
    if (known !== undefined) return known === facts.sha256 ? 'retry' : 'conflict';
    return this.actes.has(acteKey(facts)) ? 'duplicate' : 'accepted';
  }

  /** Records a well-formed acte delivery and says what it was. */
  record(facts: ActeDeliveryFacts): DeliveryOutcome {
    const outcome = this.classify(facts);
    if (outcome === 'accepted' || outcome === 'duplicate') this.archives.set(facts.archiveName, facts.sha256);
    if (outcome === 'accepted') this.actes.set(acteKey(facts), facts.archiveName);
    this.acte = bump(this.acte, outcome);
    return outcome;
  }

  /** Records a well-formed 6-1 delivery and says what it was, as for an acte (keyed by IDActe). */
  recordAnnulation(facts: AnnulationDeliveryFacts): DeliveryOutcome {
    return this.recordKeyed('annulation', { archiveName: facts.archiveName, sha256: facts.sha256, key: facts.idActe });
  }

  /**
   * Records a well-formed delivery of a flow counted by key and says what it was: the same name with
   * the same bytes is a retry, with other bytes a conflict; a new archive whose key was already seen
   * is a duplicate.
   */
  recordKeyed(flow: KeyedFlow, facts: KeyedDeliveryFacts): DeliveryOutcome {
    const known = this.archives.get(facts.archiveName);
    const keys = this.keys[flow];
    let outcome: DeliveryOutcome;
    if (known !== undefined) outcome = known === facts.sha256 ? 'retry' : 'conflict';
    else outcome = keys.has(facts.key) ? 'duplicate' : 'accepted';
    if (outcome === 'accepted' || outcome === 'duplicate') this.archives.set(facts.archiveName, facts.sha256);
    if (outcome === 'accepted') keys.set(facts.key, facts.archiveName);
    this.keyed[flow] = bump(this.keyed[flow], outcome);
    return outcome;
  }

  /**
   * Records a well-formed PES_Aller deposit and says what it was: the same name with the same bytes is
   * a retry, with other bytes a conflict; a new name carrying a (CodCol, NomFic) already received is a
   * duplicate (API.md).
   */
  recordPes(facts: PesDeliveryFacts): DeliveryOutcome {
    const known = this.pesFiles.get(facts.fileName);
    const key = `${facts.codCol}/${facts.nomFic}`;
    let outcome: DeliveryOutcome;
    if (known !== undefined) outcome = known === facts.sha256 ? 'retry' : 'conflict';
    else outcome = this.pesKeys.has(key) ? 'duplicate' : 'accepted';
    if (outcome === 'accepted' || outcome === 'duplicate') this.pesFiles.set(facts.fileName, facts.sha256);
    if (outcome === 'accepted') this.pesKeys.add(key);
    this.pes = bump(this.pes, outcome);
    return outcome;
  }

  /** The `/sim/stats` view. */
  stats(): Stats {
    const { pes } = this;
    return {
      received: this.acte.received + pes.received,
      retries: this.acte.retries + pes.retries,
      duplicates: this.acte.duplicates + pes.duplicates,
      conflicts: this.acte.conflicts + pes.conflicts,
      byKind: { acte: this.acte, pes, ...this.keyed },
    };
  }
}

function acteKey(facts: ActeDeliveryFacts): string {
  return `${facts.siren}/${facts.numeroInterne}`;
}
