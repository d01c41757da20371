import { readServiceSettings, SettingsReader, type ServiceConfig } from '@relais/service-kit';

/** How deliveries to webhooks are made and retried. */
export interface DeliverySettings {
  /** Delay after the first failed attempt (`NOTIFIER_RETRY_INITIAL_MS`, 1 s); doubled after each failure. */
  readonly retryInitialMs: number;
  /** The longest delay between two attempts (`NOTIFIER_RETRY_MAX_MS`, 5 min). */
  readonly retryMaxMs: number;
  /** A delivery still failing this long after it was created is given up, marked dead and logged (`NOTIFIER_GIVE_UP_AFTER_MS`, 24 h). */
  readonly giveUpAfterMs: number;
  /** How long one POST may take before it counts as failed (`NOTIFIER_TIMEOUT_MS`, 10 s). */
  readonly requestTimeoutMs: number;
  /** How often the outbox is looked at when nothing woke the sender (`NOTIFIER_POLL_MS`, 1 s). */
  readonly pollIntervalMs: number;
  /** The most POSTs in flight at once (`NOTIFIER_CONCURRENCY`, 16); one per transmission and webhook at most. */
  readonly concurrency: number;
  /**
   * Whether a webhook may reach a loopback, private, link-local… address (`RELAIS_WEBHOOK_ALLOW_PRIVATE`,
   * false): only for receivers on the same machine or network, in development and tests.
   */
  readonly allowPrivateAddresses: boolean;
}

/** The notifier's settings, read and checked once at start-up. */
export interface NotifierConfig extends ServiceConfig {
  readonly delivery: DeliverySettings;
}

/** The defaults of {@link DeliverySettings}. */
export const DEFAULT_DELIVERY: DeliverySettings = {
  retryInitialMs: 1_000,
  retryMaxMs: 300_000,
  giveUpAfterMs: 86_400_000,
  requestTimeoutMs: 10_000,
  pollIntervalMs: 1_000,
  concurrency: 16,
  allowPrivateAddresses: false,
};

/** Reads the settings from the environment; throws one error naming every bad setting. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): NotifierConfig {
  const settings = new SettingsReader(env);
  const service = readServiceSettings(settings);
  const d = DEFAULT_DELIVERY;
  const delivery: DeliverySettings = {
    retryInitialMs: settings.integer('NOTIFIER_RETRY_INITIAL_MS', d.retryInitialMs, 10, 3_600_000),
    retryMaxMs: settings.integer('NOTIFIER_RETRY_MAX_MS', d.retryMaxMs, 10, 86_400_000),
    giveUpAfterMs: settings.integer('NOTIFIER_GIVE_UP_AFTER_MS', d.giveUpAfterMs, 1_000, 30 * 86_400_000),
    requestTimeoutMs: settings.integer('NOTIFIER_TIMEOUT_MS', d.requestTimeoutMs, 100, 300_000),
    pollIntervalMs: settings.integer('NOTIFIER_POLL_MS', d.pollIntervalMs, 10, 60_000),
    concurrency: settings.integer('NOTIFIER_CONCURRENCY', d.concurrency, 1, 256),
    allowPrivateAddresses: settings.boolean('RELAIS_WEBHOOK_ALLOW_PRIVATE', d.allowPrivateAddresses),
  };
  if (delivery.retryMaxMs < delivery.retryInitialMs) {
    settings.problem(`NOTIFIER_RETRY_MAX_MS (${delivery.retryMaxMs}) must not be below NOTIFIER_RETRY_INITIAL_MS (${delivery.retryInitialMs})`);
  }
  settings.done();
  return { ...service, delivery };
}
