/*
 * Every setting of the fault-injection suite, in one place, keyed by mode: `short` runs inside
 * `npm test` (seconds of fault, about two minutes in all on two cores), `full` is `npm run test:faults`
 * (faults of minutes, as issue 9 asks, 15 to 25 minutes). Both run the same scenarios and the same
 * ledger; only durations, rates and rounds differ.
 */

/** Which form of the suite runs: `FAULTS_MODE=full`, else short. */
export type FaultsMode = 'short' | 'full';

/** How long the simulated State misbehaves, phase by phase. */
export interface SimOutage {
  /** Every delivery answered 503 before it is read. */
  readonly unavailableMs: number;
  /** Every delivery left without an answer: the transmitter's timeout ends each attempt. */
  readonly hangMs: number;
  /** Every delivery read and counted, but answered only after `slowAnswerMs` (past the timeout: a delivery in doubt). */
  readonly slowMs: number;
  readonly slowAnswerMs: number;
}

export interface FaultsSettings {
  readonly mode: FaultsMode;
  /** Submissions per second of the steady load, all kinds together. */
  readonly ratePerSecond: number;
  /** Shares of the load: PES files and @ctes archives; the rest are actes posted as multipart. */
  readonly pesShare: number;
  readonly archiveShare: number;
  /** Collectivités submitting actes (each with a webhook), and collectivités with an Hélios budget. */
  readonly acteCollectivites: number;
  readonly pesCollectivites: number;
  /** Load alone before the fault and after recovery, so that the fault hits a platform at work and recovery is under load too. */
  readonly leadMs: number;
  readonly tailMs: number;
  /** Rounds of SIGKILL over every service, and the pause between two kills. */
  readonly killRounds: number;
  readonly killEveryMs: number;
  /** NATS restarts (SIGKILL), and how long the server stays down each time. */
  readonly natsRestarts: number;
  readonly natsDownMs: number;
  /** PostgreSQL restarts (immediate stop), and how long the server stays down each time. */
  readonly postgresRestarts: number;
  readonly postgresDownMs: number;
  readonly sim: SimOutage;
  /** How long the webhook receiver is away. */
  readonly webhookDownMs: number;
  /** How long the ledger waits for every transmission to end its delivery after the load stopped. */
  readonly drainTimeoutMs: number;
  /** How long a submitter keeps retrying one request with its Idempotency-Key before calling it lost. */
  readonly submitPatienceMs: number;
  /** Environment of every service: timeouts and retry delays scaled to the mode. */
  readonly platformEnv: Readonly<Record<string, string>>;
}

/** The settings common to both modes. */
const COMMON_ENV: Readonly<Record<string, string>> = {
  // The suite is about faults, not the per-token quota: its clients and its ledger read a lot.
  RELAIS_RATE_LIMIT_PER_SECOND: '5000',
  RELAIS_RATE_LIMIT_BURST: '5000',
  STATE_SIM_ACK_DELAY_MS: '200',
};

const SHORT: FaultsSettings = {
  mode: 'short',
  // Enough to have work in flight at every fault; npm test runs other files beside it on two cores.
  ratePerSecond: 2,
  pesShare: 0.3,
  archiveShare: 0.2,
  acteCollectivites: 3,
  pesCollectivites: 2,
  leadMs: 1_000,
  tailMs: 1_500,
  killRounds: 1,
  killEveryMs: 1_000,
  natsRestarts: 1,
  natsDownMs: 1_500,
  postgresRestarts: 1,
  postgresDownMs: 2_000,
  sim: { unavailableMs: 3_000, hangMs: 3_000, slowMs: 2_000, slowAnswerMs: 3_000 },
  webhookDownMs: 3_000,
  // Work a killed consumer held comes back after its ack wait (30 s for most services).
  drainTimeoutMs: 90_000,
  // A gateway restarting on a busy machine, then shedding the clients' backlog with 503s, takes a while.
  submitPatienceMs: 180_000,
  platformEnv: {
    ...COMMON_ENV,
    TRANSMITTER_DELIVERY_TIMEOUT_MS: '1500',
    TRANSMITTER_ACK_WAIT_MS: '5000',
    TRANSMITTER_RETRY_INITIAL_MS: '300',
    TRANSMITTER_RETRY_MAX_MS: '1500',
    TRANSMITTER_MAX_ATTEMPTS: '40',
    NOTIFIER_RETRY_INITIAL_MS: '200',
    NOTIFIER_RETRY_MAX_MS: '1000',
    NOTIFIER_TIMEOUT_MS: '2000',
  },
};

const FULL: FaultsSettings = {
  mode: 'full',
  ratePerSecond: 1.5,
  pesShare: 0.3,
  archiveShare: 0.2,
  acteCollectivites: 6,
  pesCollectivites: 3,
  leadMs: 15_000,
  tailMs: 20_000,
  killRounds: 3,
  killEveryMs: 10_000,
  natsRestarts: 2,
  natsDownMs: 15_000,
  postgresRestarts: 2,
  postgresDownMs: 20_000,
  sim: { unavailableMs: 120_000, hangMs: 60_000, slowMs: 60_000, slowAnswerMs: 20_000 },
  webhookDownMs: 180_000,
  drainTimeoutMs: 300_000,
  submitPatienceMs: 600_000,
  // The production defaults (15 s timeout, 8 attempts from 2 s doubling to 2 min, 25 s ack wait):
  // minutes of outage may exhaust the attempts, and then an operator retries what failed.
  platformEnv: { ...COMMON_ENV },
};

/** The settings of `mode` (default: `FAULTS_MODE` from the environment, else short). */
export function faultsSettings(mode: string | undefined = process.env['FAULTS_MODE']): FaultsSettings {
  if (mode === undefined || mode === '' || mode === 'short') return SHORT;
  if (mode === 'full') return FULL;
  throw new Error(`FAULTS_MODE must be short or full, not « ${mode} »`);
}
