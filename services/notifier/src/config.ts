import { readServiceSettings, SettingsReader, type ServiceConfig } from '@relais/service-kit';
import type { StuckAlertSettings } from './alerts/stuck-alerter.js';

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

/** E-mail to the supervisors about stuck transmissions: off unless an SMTP server and recipients are set. */
export interface StuckAlertConfig extends StuckAlertSettings {
  /** `RELAIS_SMTP_URL`: `smtp://host:port` (or `smtps://`, with `user:password@`). */
  readonly smtpUrl: string;
}

/** E-mail notices to named users about the transmissions they follow: on whenever an SMTP server is set. */
export interface NoticeConfig {
  /** `RELAIS_SMTP_URL`, as for the alerts. */
  readonly smtpUrl: string;
  /** The sender (`RELAIS_MAIL_FROM`). */
  readonly from: string;
  /** Where the platform's pages answer, for the link in each e-mail (`RELAIS_PUBLIC_URL`, `http://localhost:3000`), without a trailing slash. */
  readonly publicUrl: string;
}

/** The notifier's settings, read and checked once at start-up. */
export interface NotifierConfig extends ServiceConfig {
  readonly delivery: DeliverySettings;
  /** Undefined: no e-mail alerts (RELAIS_SMTP_URL or RELAIS_STUCK_ALERT_TO unset). */
  readonly stuckAlerts?: StuckAlertConfig;
  /** Undefined: no e-mail notices (RELAIS_SMTP_URL unset); none is queued. */
  readonly notices?: NoticeConfig;
}

const ADDRESS = /^[^\s@<>,;]+@[^\s@<>,;]+$/;

/** The alerts' settings; undefined when no SMTP server or no recipient is configured. */
function readStuckAlerts(settings: SettingsReader): StuckAlertConfig | undefined {
  const smtp = settings.text('RELAIS_SMTP_URL');
  const to = (settings.text('RELAIS_STUCK_ALERT_TO') ?? '').split(',').map((a) => a.trim()).filter((a) => a !== '');
  const from = settings.text('RELAIS_MAIL_FROM', 'relais@localhost');
  const afterMs = settings.integer('RELAIS_STUCK_AFTER_MINUTES', 48 * 60, 1, 90 * 24 * 60) * 60_000;
  const scanMs = settings.integer('RELAIS_STUCK_SCAN_MS', 60_000, 100, 3_600_000);
  for (const address of [...to, from]) if (!ADDRESS.test(address)) settings.problem(`${address} is not an e-mail address (RELAIS_STUCK_ALERT_TO, RELAIS_MAIL_FROM)`);
  if (smtp !== undefined && !/^smtps?:\/\//.test(smtp)) settings.problem('RELAIS_SMTP_URL must be smtp://host:port or smtps://host:port');
  if (smtp === undefined || to.length === 0) return undefined;
  return { smtpUrl: smtp, to, from, afterMs, scanMs };
}

/** The notices' settings; undefined when no SMTP server is configured. RELAIS_SMTP_URL and RELAIS_MAIL_FROM are checked with the alerts'. */
function readNotices(settings: SettingsReader): NoticeConfig | undefined {
  const smtp = settings.text('RELAIS_SMTP_URL');
  const from = settings.text('RELAIS_MAIL_FROM', 'relais@localhost');
  const publicUrl = settings.url('RELAIS_PUBLIC_URL', 'http://localhost:3000', ['http:', 'https:']).replace(/\/+$/, '');
  if (smtp === undefined) return undefined;
  return { smtpUrl: smtp, from, publicUrl };
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
  const stuckAlerts = readStuckAlerts(settings);
  const notices = readNotices(settings);
  settings.done();
  return { ...service, delivery, ...(stuckAlerts && { stuckAlerts }), ...(notices && { notices }) };
}
