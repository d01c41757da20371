import { ACTES_EMAIL_REGEX } from '@relais/actes';
import { exponentialBackoff, type RetryPolicy, type StreamLimits } from '@relais/messaging';
import { routingTablePath } from '@relais/routing';
import { readServiceSettings, SettingsReader, type ServiceConfig } from '@relais/service-kit';

/** The transmitter's settings, read and checked once at start-up. */
export interface TransmitterConfig extends ServiceConfig {
  /** The routing table file (`RELAIS_ROUTING_FILE`, else `config/routing.json`). */
  readonly routingFile: string;
  /** How long one POST to the State may take before it counts as failed (`TRANSMITTER_DELIVERY_TIMEOUT_MS`). */
  readonly deliveryTimeoutMs: number;
  /** Delivery attempts per round (first routing, then each operator retry) before giving up (`TRANSMITTER_MAX_ATTEMPTS`). */
  readonly maxAttempts: number;
  /** Delays between attempts: the first (`TRANSMITTER_RETRY_INITIAL_MS`), doubling up to `TRANSMITTER_RETRY_MAX_MS`. */
  readonly retry: RetryPolicy;
  /**
   * Time the broker waits for an answer before handing a delivery to another replica
   * (`TRANSMITTER_ACK_WAIT_MS`): at most 30 s, so that work in flight in a killed process resumes
   * within 30 s (API.md), and above the delivery timeout.
   */
  readonly ackWaitMs: number;
  /** Deliveries handled at once (`TRANSMITTER_CONCURRENCY`). */
  readonly concurrency: number;
  /** Pause between two readings of the State mailboxes (`TRANSMITTER_POLL_INTERVAL_MS`). */
  readonly pollIntervalMs: number;
  /** The operator trigram that starts every archive name (`RELAIS_OPERATOR_TRIGRAM`). */
  readonly operatorTrigram: string;
  /** Where the ministry sends its replies, written in every envelope (`RELAIS_ACTES_RETURN_ADDRESS`). */
  readonly returnAddress: string;
  /**
   * `DateClassification` of the platform's default classification (`RELAIS_CLASSIFICATION_DATE`): the
   * `ClassificationDateVersion` of a 1-1 while its collectivité has received no 7-2, and the date a 7-1
   * declares then.
   */
  readonly classificationDate: string;
  /** A client certificate with fewer days left than this is reported on `/health` (`TRANSMITTER_CERT_WARN_DAYS`). */
  readonly certificateWarnDays: number;
  /** The time zone whose calendar day dates and numbers the envelopes (`TRANSMITTER_TIME_ZONE`). */
  readonly timeZone: string;
  /** Stream limits when the service declares the streams (tests make them small); absent: the library's. */
  readonly streamLimits?: { readonly events?: StreamLimits; readonly dlq?: StreamLimits };
}

/** The date of the platform's default classification: the 7-2 sample's `DateClassification` (API.md). */
export const DEFAULT_CLASSIFICATION_DATE = '2019-03-01';

/** The broker's redeliveries never wait longer than this after a process died (API.md, "Running"). */
const MAX_ACK_WAIT_MS = 30_000;

/** Reads the settings from the environment; throws one error naming every bad setting. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): TransmitterConfig {
  const settings = new SettingsReader(env);
  const service = readServiceSettings(settings);
  const deliveryTimeoutMs = settings.integer('TRANSMITTER_DELIVERY_TIMEOUT_MS', 15_000, 100, 600_000);
  const maxAttempts = settings.integer('TRANSMITTER_MAX_ATTEMPTS', 8, 1, 100);
  const initialMs = settings.integer('TRANSMITTER_RETRY_INITIAL_MS', 2_000, 0, 3_600_000);
  const maxMs = settings.integer('TRANSMITTER_RETRY_MAX_MS', 120_000, 0, 3_600_000);
  const ackWaitMs = settings.integer('TRANSMITTER_ACK_WAIT_MS', 25_000, 1_000, MAX_ACK_WAIT_MS);
  const concurrency = settings.integer('TRANSMITTER_CONCURRENCY', 32, 1, 256);
  const pollIntervalMs = settings.integer('TRANSMITTER_POLL_INTERVAL_MS', 250, 10, 600_000);
  const operatorTrigram = settings.text('RELAIS_OPERATOR_TRIGRAM', 'RLS');
  const returnAddress = settings.text('RELAIS_ACTES_RETURN_ADDRESS', 'actes-retour@relais.example.org');
  const classificationDate = settings.text('RELAIS_CLASSIFICATION_DATE', DEFAULT_CLASSIFICATION_DATE);
  const timeZone = settings.text('TRANSMITTER_TIME_ZONE', 'Europe/Paris');
  const certificateWarnDays = settings.integer('TRANSMITTER_CERT_WARN_DAYS', 30, 0, 365);
  if (deliveryTimeoutMs >= ackWaitMs) {
    settings.problem(`TRANSMITTER_DELIVERY_TIMEOUT_MS (${deliveryTimeoutMs}) must be below TRANSMITTER_ACK_WAIT_MS (${ackWaitMs})`);
  }
  if (maxMs < initialMs) settings.problem(`TRANSMITTER_RETRY_MAX_MS (${maxMs}) must not be below TRANSMITTER_RETRY_INITIAL_MS (${initialMs})`);
  if (!/^[A-Za-z]{3}$/.test(operatorTrigram)) settings.problem(`RELAIS_OPERATOR_TRIGRAM must be 3 letters: ${operatorTrigram}`);
  if (!/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(classificationDate) || Number.isNaN(Date.parse(`${classificationDate}T00:00:00Z`))) {
    settings.problem(`RELAIS_CLASSIFICATION_DATE must be a date YYYY-MM-DD: ${classificationDate}`);
  }
  if (!ACTES_EMAIL_REGEX.test(returnAddress)) settings.problem(`RELAIS_ACTES_RETURN_ADDRESS is not an address @ctes accepts: ${returnAddress}`);
  if (!isTimeZone(timeZone)) settings.problem(`TRANSMITTER_TIME_ZONE is not a known time zone: ${timeZone}`);
  settings.done();
  return {
    ...service,
    routingFile: routingTablePath(env),
    deliveryTimeoutMs,
    maxAttempts,
    // The broker's budget is larger than the attempts': a delivery that made no attempt (the database
    // briefly away) must not use one up, and the last delivery must still be able to give up.
    retry: { maxDeliver: maxAttempts + 4, backoffMs: exponentialBackoff(initialMs, 2, maxAttempts, maxMs) },
    ackWaitMs,
    concurrency,
    pollIntervalMs,
    operatorTrigram,
    returnAddress,
    classificationDate,
    certificateWarnDays,
    timeZone,
  };
}

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
