import { buildActeArchive } from '@relais/actes';
import { pesAllerBuffer, pesAllerShapes } from '@relais/pes/testing';
import { minimalPdf } from '@relais/testing';
import { acteMetadata } from '../client.js';
import { sleep } from '../platform.js';
import type { Tenant } from './tenants.js';

/** How a submission reached the gateway. */
export type SubmissionKind = 'acte' | 'archive' | 'pes';

/** One submission the gateway accepted (202), as its client recorded it. */
export interface Submission {
  readonly id: string;
  readonly kind: SubmissionKind;
  readonly siren: string;
  readonly token: string;
  readonly idempotencyKey: string;
  /** The acte's numéro interne or the PES file's NomFic. */
  readonly reference: string;
  /** The scenario running when it was first sent. */
  readonly scenario: string;
  /** Requests it took (1 when the first one got its 202). */
  readonly requests: number;
  readonly acceptedAt: number;
}

/** A request the client gave up on, or one the gateway refused although it was valid. */
export interface LostSubmission {
  readonly kind: SubmissionKind;
  readonly siren: string;
  readonly idempotencyKey: string;
  readonly reference: string;
  readonly scenario: string;
  readonly last: string;
}

/** What the clients saw while the load ran. */
export interface LoadCounters {
  launched: number;
  accepted: number;
  /** Requests that failed at the transport level (refused or reset connection, timeout), then retried. */
  transportErrors: number;
  /** 5xx answers, then retried. */
  serverErrors: number;
  /** 409 « in progress » for an Idempotency-Key whose first request has not finished, then retried. */
  inProgress: number;
}

interface Prepared {
  readonly kind: SubmissionKind;
  readonly tenant: Tenant;
  readonly reference: string;
  readonly idempotencyKey: string;
  /** Builds the request anew for each attempt, from the same bytes. */
  readonly request: () => Promise<{ path: string; body: NonNullable<RequestInit['body']>; headers: Record<string, string> }>;
}

/** Settings of {@link SteadyLoad}. */
export interface LoadOptions {
  readonly gatewayUrl: string;
  readonly tenants: readonly Tenant[];
  readonly ratePerSecond: number;
  readonly pesShare: number;
  readonly archiveShare: number;
  /** How long one request is retried with its Idempotency-Key before it is called lost. */
  readonly patienceMs: number;
  /** Requests awaiting an answer at most: past it, the schedule waits (a client does not pile up forever). */
  readonly maxInFlight?: number;
}

const today = (): string => new Date().toISOString().slice(0, 10);

/**
 * A steady, open-loop, mixed load: actes posted as multipart and as @ctes archives, and PES files,
 * from several collectivités, at a fixed rate whatever the platform's state. Each submission carries an
 * Idempotency-Key; a request that fails at the transport level or gets a 5xx (a service killed, a
 * server restarting) is sent again with the same key and the same bytes, as a real client does, until
 * it gets its 202 or the client's patience runs out (then it is recorded as lost: the ledger fails).
 */
export class SteadyLoad {
  readonly accepted: Submission[] = [];
  readonly lost: LostSubmission[] = [];
  readonly counters: LoadCounters = { launched: 0, accepted: 0, transportErrors: 0, serverErrors: 0, inProgress: 0 };
  private scenario = 'setup';
  private running = false;
  private loop: Promise<void> | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private sequence = 0;
  private readonly runTag = Date.now().toString(36).slice(-4).toUpperCase();
  private readonly acteTenants: readonly Tenant[];
  private readonly pesTenants: readonly Tenant[];

  constructor(private readonly options: LoadOptions) {
    this.acteTenants = options.tenants.filter((t) => t.budget === undefined);
    this.pesTenants = options.tenants.filter((t) => t.budget !== undefined);
  }

  /** Names the scenario the next submissions belong to. */
  phase(scenario: string): void {
    this.scenario = scenario;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Stops sending new submissions and waits for every request in flight to get its answer or be given up. */
  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    await Promise.all(this.inFlight);
  }

  private async run(): Promise<void> {
    const interval = 1000 / this.options.ratePerSecond;
    let next = Date.now();
    const cap = this.options.maxInFlight ?? 64;
    for (;;) {
      const wait = next - Date.now();
      if (wait > 0) await sleep(wait);
      // The schedule waits while too many requests are unanswered (a client does not pile up forever).
      while (this.inFlight.size >= cap && this.isRunning()) await sleep(50);
      if (!this.isRunning()) break;
      next += interval;
      // Far behind (the event loop was busy, or the cap held it): do not burst to catch up.
      if (Date.now() - next > 5 * interval) next = Date.now();
      this.counters.launched += 1;
      const attempt = this.submit(this.prepare(this.sequence++), this.scenario).catch((error: unknown) => {
        this.lost.push({ kind: 'acte', siren: '', idempotencyKey: '', reference: '', scenario: this.scenario, last: `the client failed: ${String(error)}` });
      });
      this.inFlight.add(attempt);
      void attempt.finally(() => this.inFlight.delete(attempt));
    }
  }

  /** Read through a call: the flag changes while the loop awaits. */
  private isRunning(): boolean {
    return this.running;
  }

  /** The `n`-th submission: its kind drawn from the shares in a fixed cycle, so that every run has the same mix. */
  private prepare(n: number): Prepared {
    const cycle = n % 10;
    const pes = cycle < Math.round(this.options.pesShare * 10) && this.pesTenants.length > 0;
    const archive = !pes && cycle >= 10 - Math.round(this.options.archiveShare * 10);
    const pool = pes ? this.pesTenants : this.acteTenants;
    const tenant = pool[n % pool.length];
    if (tenant === undefined) throw new Error('the load has no collectivité of this kind');
    const sequence = n.toString().padStart(6, '0');
    const idempotencyKey = `faults-${this.runTag}-${sequence}`;
    const auth = { authorization: `Bearer ${tenant.token}`, 'idempotency-key': idempotencyKey };
    const budget = tenant.budget;
    if (pes && budget !== undefined) {
      const nomFic = `PES_FLT_${this.runTag}_${sequence}.xml`;
      const bytes = pesAllerBuffer({
        ...pesAllerShapes.mixed(),
        nomFic,
        enTete: { dteStr: today(), idPost: budget.idPost, idColl: budget.siret, codCol: budget.codCol, codBud: budget.codBud, libelleColBud: `COMMUNE ${tenant.siren}` },
      });
      return {
        kind: 'pes',
        tenant,
        reference: nomFic,
        idempotencyKey,
        request: async () => ({ path: '/api/v1/pes', body: new Uint8Array(await bytes), headers: { ...auth, 'content-type': 'application/xml' } }),
      };
    }
    const numeroInterne = `FLT_${sequence}`;
    if (archive) {
      const built = buildActeArchive({
        operatorTrigram: 'SLO',
        sequence: n + 1,
        dateEnvoi: today(),
        collectivite: { siren: tenant.siren, departement: tenant.departement, arrondissement: '1', nature: '31' },
        adressesRetour: ['actes@collectivite.example.org'],
        acte: {
          dateDecision: today(),
          numeroInterne,
          nature: 3,
          classification: '7.1',
          objet: `Arrêté ${numeroInterne} importé de l'archive`,
          classificationDateVersion: '2019-03-01',
          documentPapier: false,
          document: { extension: 'pdf', codeTypePJ: '99_AI', content: minimalPdf(`Archive ${numeroInterne}`, 8_000) },
          annexes: [],
        },
      });
      return {
        kind: 'archive',
        tenant,
        reference: numeroInterne,
        idempotencyKey,
        request: async () => ({ path: '/api/v1/actes/archive', body: (await built).bytes, headers: { ...auth, 'content-type': 'application/gzip' } }),
      };
    }
    const document = minimalPdf(`Acte ${numeroInterne}`, 12_000);
    return {
      kind: 'acte',
      tenant,
      reference: numeroInterne,
      idempotencyKey,
      request: async () => {
        await Promise.resolve();
        const form = new FormData();
        form.append('metadata', JSON.stringify(acteMetadata(numeroInterne)));
        form.append('document', new Blob([document], { type: 'application/pdf' }), 'acte.pdf');
        return { path: '/api/v1/actes', body: form, headers: auth };
      },
    };
  }

  private async submit(prepared: Prepared, scenario: string): Promise<void> {
    const deadline = Date.now() + this.options.patienceMs;
    let requests = 0;
    let last = 'no answer';
    let pause = 200;
    while (Date.now() < deadline) {
      requests += 1;
      const { path, body, headers } = await prepared.request();
      let status: number;
      let text: string;
      try {
        const response = await fetch(`${this.options.gatewayUrl}${path}`, {
          method: 'POST',
          headers,
          body,
          signal: AbortSignal.timeout(30_000),
        });
        status = response.status;
        text = await response.text();
      } catch (error) {
        this.counters.transportErrors += 1;
        last = `transport: ${error instanceof Error ? `${error.message}${error.cause instanceof Error ? ` (${error.cause.message})` : ''}` : String(error)}`;
        await sleep(pause);
        pause = Math.min(pause * 2, 2_000);
        continue;
      }
      if (status === 202) {
        const { id } = JSON.parse(text) as { id: string };
        this.counters.accepted += 1;
        this.accepted.push({
          id,
          kind: prepared.kind,
          siren: prepared.tenant.siren,
          token: prepared.tenant.token,
          idempotencyKey: prepared.idempotencyKey,
          reference: prepared.reference,
          scenario,
          requests,
          acceptedAt: Date.now(),
        });
        return;
      }
      last = `HTTP ${status.toString()}: ${text.slice(0, 300)}`;
      if (status >= 500 || status === 429) this.counters.serverErrors += 1;
      else if (status === 409 && errorCodesOf(text).includes('IDEMPOTENCY.IN_PROGRESS')) this.counters.inProgress += 1;
      else break;
      await sleep(pause);
      pause = Math.min(pause * 2, 2_000);
    }
    this.lost.push({ kind: prepared.kind, siren: prepared.tenant.siren, idempotencyKey: prepared.idempotencyKey, reference: prepared.reference, scenario, last });
  }
}

/** The codes of a `{errors: [{code}]}` body, [] for anything else. */
function errorCodesOf(text: string): string[] {
  try {
    const body = JSON.parse(text) as { errors?: { code?: unknown }[] };
    return (body.errors ?? []).map((e) => String(e.code));
  } catch {
    return [];
  }
}
