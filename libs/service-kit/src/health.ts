import { randomUUID } from 'node:crypto';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { MessagingNames } from '@relais/messaging';

/** The services whose readiness the gateway's `/health` reports (API.md, "Running"). */
export const PLATFORM_SERVICES = ['gateway', 'validator', 'router', 'transmitter', 'projector', 'relay', 'notifier', 'audit'] as const;

/** One service's answer to a health question. */
export interface HealthReport {
  readonly service: string;
  readonly status: 'ok' | 'down';
  /** Why it is down, or what it wants known. */
  readonly detail?: string;
  /** What an operator must see to before it stops the service working (a client certificate about to expire…). */
  readonly warnings?: readonly HealthWarning[];
  /** The process that answered (one replica among several). */
  readonly pid?: number;
  readonly instance?: string;
  readonly startedAt?: string;
}

/** Something an operator must act on, reported by a service that is still ready. */
export interface HealthWarning {
  /** Stable code (`CHANNEL.CLIENT_CERT_EXPIRING`…). */
  readonly code: string;
  /** `warning`: act within days; `error`: part of the service cannot work until someone acts. */
  readonly severity: 'warning' | 'error';
  readonly message: string;
  /** Details for the dashboard (the endpoint, the date…). */
  readonly data?: Readonly<Record<string, string | number>>;
}

/** What a ready service says of itself: a summary, and the warnings it wants on `/health`. */
export interface ReadinessDetail {
  readonly detail?: string;
  readonly warnings?: readonly HealthWarning[];
}

/** What a service checks before it says it is ready: throws (or rejects) when it is not. */
export type ReadinessCheck = () => Promise<string | ReadinessDetail | undefined>;

const encoder = new TextEncoder();
const startedAt = new Date().toISOString();
const instance = randomUUID();

/**
 * Answers `<ns>.v1.rpc.<service>.health` requests for this process, in a queue group so that one
 * replica answers each question. The answer is `ok` when `check` resolves, `down` with its message
 * when it throws. Returns the subscription (unsubscribe on shutdown, or drain the connection).
 */
export function serveHealth(nc: NatsConnection, names: MessagingNames, service: string, check: ReadinessCheck): Subscription {
  return nc.subscribe(names.rpc(service, 'health'), {
    queue: `${names.namespace}-${service}-health`,
    callback: (error, msg) => {
      if (error !== null) return;
      const base = { service, pid: process.pid, instance, startedAt };
      void check().then(
        (answer): HealthReport => {
          const { detail, warnings } = typeof answer === 'string' ? { detail: answer, warnings: undefined } : (answer ?? {});
          return {
            ...base,
            status: 'ok',
            ...(detail === undefined ? {} : { detail }),
            ...(warnings === undefined || warnings.length === 0 ? {} : { warnings }),
          };
        },
        (failure: unknown): HealthReport => ({
          ...base,
          status: 'down',
          detail: failure instanceof Error ? failure.message : String(failure),
        }),
      ).then((report) => msg.respond(encoder.encode(JSON.stringify(report))));
    },
  });
}

/**
 * Asks each service for its health over NATS, all at once; a service that does not answer within
 * `timeoutMs` (no replica running, or one too busy to answer) is reported `down`.
 */
export async function askHealth(
  nc: NatsConnection,
  names: MessagingNames,
  services: readonly string[],
  timeoutMs = 1000,
): Promise<Record<string, HealthReport>> {
  const answers = await Promise.all(
    services.map(async (service): Promise<HealthReport> => {
      try {
        const reply = await nc.request(names.rpc(service, 'health'), undefined, { timeout: timeoutMs });
        return reply.json<HealthReport>();
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        return { service, status: 'down', detail: `no answer within ${timeoutMs.toString()} ms (${reason})` };
      }
    }),
  );
  return Object.fromEntries(answers.map((report) => [report.service, report]));
}
