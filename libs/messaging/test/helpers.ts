import { randomUUID } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { encodeJson, type EventEnvelope, type JsonObject } from '../src/envelope.js';
import { fromMsgHdrs } from '../src/headers.js';
import type { MessagingLogger } from '../src/logger.js';
import type { StreamLimits } from '../src/streams.js';

/** Small limits: test streams must not reserve gigabytes on a server others share. */
export const TEST_LIMITS: { events: StreamLimits; dlq: StreamLimits } = {
  events: { duplicateWindowMs: 120_000, maxAgeMs: 3_600_000, maxBytes: 64 * 1024 * 1024, maxMsgSize: 64 * 1024 },
  dlq: { duplicateWindowMs: 120_000, maxAgeMs: 3_600_000, maxBytes: 16 * 1024 * 1024, maxMsgSize: 128 * 1024 },
};

/**
 * Polls until `probe` returns something other than undefined/false, or fails after `timeoutMs`. A probe
 * that throws (a stream not created yet) counts as not yet.
 */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let failure: unknown;
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      failure = error;
    }
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`, { cause: failure });
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** One message of a stream as the tests look at it. */
export interface StreamMessage {
  readonly seq: number;
  readonly subject: string;
  readonly headers: Record<string, string>;
  readonly data: Uint8Array;
  readonly json: Record<string, unknown>;
}

/** Every message a stream holds, in sequence order (deleted sequences skipped). */
export async function streamMessages(nc: NatsConnection, stream: string): Promise<StreamMessage[]> {
  const jsm = await jetstreamManager(nc);
  const { state } = await jsm.streams.info(stream);
  const out: StreamMessage[] = [];
  if (state.messages === 0) return out;
  for (let seq = state.first_seq; seq <= state.last_seq; seq += 1) {
    const msg = await jsm.streams.getMessage(stream, { seq });
    if (msg === null) continue;
    let json: Record<string, unknown> = {};
    try {
      json = msg.json<Record<string, unknown>>();
    } catch {
      // Not JSON: the test looks at the bytes.
    }
    out.push({ seq: msg.seq, subject: msg.subject, headers: fromMsgHdrs(msg.header), data: msg.data, json });
  }
  return out;
}

/** An envelope as the relay would publish it. */
export function envelope(data: JsonObject = {}, type = 'Tested'): EventEnvelope {
  return {
    eventId: randomUUID(),
    streamId: `test-${randomUUID()}`,
    streamVersion: '1',
    type,
    data,
    metadata: {},
    recordedAt: new Date().toISOString(),
    position: '1:1',
  };
}

/** The bytes of an envelope. */
export function envelopeBytes(value: EventEnvelope): Uint8Array {
  return encodeJson(value);
}

/** A logger that keeps what it is told, for assertions and quiet test output. */
export function recordingLogger(): MessagingLogger & { readonly lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    log: (message) => lines.push(`log ${message}`),
    warn: (message) => lines.push(`warn ${message}`),
    error: (message) => lines.push(`error ${message}`),
  };
}
