import type { JetStreamManager } from '@nats-io/jetstream';
import type { Checkpoint } from '@relais/event-store';
import { RelaisHeaders } from '../headers.js';
import { compareCheckpoints, type RelayState } from './relay-state.js';

/** What the EVENTS stream holds at its end. */
export interface StreamTail {
  readonly messages: number;
  readonly lastSeq: number;
  /** The last message the relay published that the stream still has (its `Relais-Position`), if any. */
  readonly lastRelayed: { readonly seq: number; readonly position: Checkpoint } | null;
}

/** Where to resume, and why (logged). */
export interface ResumeDecision {
  /** Read the log after this checkpoint (null: from the start). */
  readonly from: Checkpoint | null;
  readonly reason: 'FRESH' | 'CHECKPOINT' | 'STREAM_BEHIND' | 'STREAM_TRIMMED' | 'STREAM_LOST';
}

/**
 * The reconcile rule. A PubAck means stored, not on disk: a server that crashes may come back without
 * its last messages, while our checkpoint already moved past them. So the relay resumes from the
 * earlier of its checkpoint and the position of the last relayed message the stream still holds
 * (republished events the stream has are dropped by the duplicate window; past it, consumers'
 * inboxes absorb them). Limits trim the oldest messages, never the newest, so a stream that still has
 * messages shows its true end. With no relayed message left, the stream sequences decide:
 * - its last sequence reached the one stored with our checkpoint: everything we published was stored,
 *   then removed by age or size limits (or a purge): resume from the checkpoint;
 * - it is below: the stream lost what we published (recreated, storage lost): republish the whole
 *   log; consumers' inboxes make the events they already handled no-ops.
 */
export function decideResume(stored: RelayState | null, tail: StreamTail): ResumeDecision {
  if (stored === null) return { from: null, reason: 'FRESH' };
  if (tail.lastRelayed !== null) {
    return compareCheckpoints(tail.lastRelayed.position, stored.checkpoint) < 0
      ? { from: tail.lastRelayed.position, reason: 'STREAM_BEHIND' }
      : { from: stored.checkpoint, reason: 'CHECKPOINT' };
  }
  return tail.lastSeq >= stored.streamSeq
    ? { from: stored.checkpoint, reason: 'STREAM_TRIMMED' }
    : { from: null, reason: 'STREAM_LOST' };
}

/**
 * Reads the end of the stream: its state, then backwards from the last message to the first one
 * carrying `Relais-Position` (dead-letter replays carry none), looking at `scanLimit` messages at most.
 */
export async function readStreamTail(
  jsm: JetStreamManager,
  stream: string,
  decodePosition: (value: string) => Checkpoint,
  scanLimit = 256,
): Promise<StreamTail> {
  const { state } = await jsm.streams.info(stream);
  const base = { messages: state.messages, lastSeq: state.last_seq };
  if (state.messages === 0) return { ...base, lastRelayed: null };
  const lowest = Math.max(state.first_seq, state.last_seq - scanLimit + 1, 1);
  for (let seq = state.last_seq; seq >= lowest; seq -= 1) {
    const msg = await jsm.streams.getMessage(stream, { seq });
    const position = msg?.header.get(RelaisHeaders.POSITION);
    if (position) return { ...base, lastRelayed: { seq, position: decodePosition(position) } };
  }
  return { ...base, lastRelayed: null };
}
