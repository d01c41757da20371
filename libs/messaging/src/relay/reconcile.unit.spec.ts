import { describe, expect, it } from '@jest/globals';
import type { Checkpoint } from '@relais/event-store';
import { decideResume } from './reconcile.js';

const cp = (transactionId: number, globalPosition: number): Checkpoint => ({
  transactionId: BigInt(transactionId),
  globalPosition: BigInt(globalPosition),
});

describe('decideResume (the reconcile rule)', () => {
  const stored = { checkpoint: cp(100, 50), streamSeq: 50 };

  it('starts from the beginning when nothing was ever published', () => {
    expect(decideResume(null, { messages: 0, lastSeq: 0, lastRelayed: null })).toEqual({ from: null, reason: 'FRESH' });
  });

  it('resumes from the checkpoint when the stream has everything up to it', () => {
    const tail = { messages: 50, lastSeq: 50, lastRelayed: { seq: 50, position: cp(100, 50) } };
    expect(decideResume(stored, tail)).toEqual({ from: cp(100, 50), reason: 'CHECKPOINT' });
  });

  it('resumes from the checkpoint when the stream got further than it (crash before the save)', () => {
    const tail = { messages: 60, lastSeq: 60, lastRelayed: { seq: 60, position: cp(101, 60) } };
    expect(decideResume(stored, tail)).toEqual({ from: cp(100, 50), reason: 'CHECKPOINT' });
  });

  it('resumes from the stream when it lost the tail the checkpoint covers', () => {
    const tail = { messages: 40, lastSeq: 40, lastRelayed: { seq: 40, position: cp(100, 40) } };
    expect(decideResume(stored, tail)).toEqual({ from: cp(100, 40), reason: 'STREAM_BEHIND' });
  });

  it('orders by transaction id before position (late committers)', () => {
    const tail = { messages: 40, lastSeq: 40, lastRelayed: { seq: 40, position: cp(99, 70) } };
    expect(decideResume(stored, tail).reason).toBe('STREAM_BEHIND');
  });

  it('keeps the checkpoint when an emptied stream had passed our sequence (trimmed by limits)', () => {
    expect(decideResume(stored, { messages: 0, lastSeq: 50, lastRelayed: null })).toEqual({ from: cp(100, 50), reason: 'STREAM_TRIMMED' });
    expect(decideResume(stored, { messages: 0, lastSeq: 75, lastRelayed: null }).reason).toBe('STREAM_TRIMMED');
  });

  it('republishes everything when the stream lost messages it had acknowledged', () => {
    expect(decideResume(stored, { messages: 0, lastSeq: 0, lastRelayed: null })).toEqual({ from: null, reason: 'STREAM_LOST' });
    expect(decideResume(stored, { messages: 3, lastSeq: 20, lastRelayed: null }).reason).toBe('STREAM_LOST');
  });
});
