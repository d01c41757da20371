import { describe, expect, it } from '@jest/globals';
import type { TransmissionEvent } from '@relais/domain';
import { eventsOf } from '@relais/domain/testing';
import { attemptsSoFar, nextStep, outcomeOfResponse, type AttemptContext } from './delivery.decision.js';

const now = new Date('2026-01-05T09:00:00.000Z');
const context: AttemptContext = {
  attemptsInRound: 1,
  maxAttempts: 3,
  deliveryCount: 1,
  retry: { maxDeliver: 7, backoffMs: [1_000, 2_000, 4_000] },
  now,
};

describe('outcomeOfResponse', () => {
  it('reads a 2xx as taken, with what the State said of the archive', () => {
    expect(outcomeOfResponse(200, '{"outcome":"accepted"}')).toEqual({ kind: 'taken', answer: 'accepted' });
    expect(outcomeOfResponse(200, '{"outcome":"retry"}')).toEqual({ kind: 'taken', answer: 'retry' });
    expect(outcomeOfResponse(204, '')).toEqual({ kind: 'taken', answer: 'taken' });
  });

  it('reads 5xx, 408 and 429 as unavailable, with the error code of the body', () => {
    expect(outcomeOfResponse(503, '{"errors":[{"code":"SIM.UNAVAILABLE","message":"Simulated outage"}]}')).toEqual({
      kind: 'unavailable',
      reason: 'HTTP 503: SIM.UNAVAILABLE Simulated outage',
    });
    expect(outcomeOfResponse(502, '<html>Bad gateway</html>')).toEqual({ kind: 'unavailable', reason: 'HTTP 502: <html>Bad gateway</html>' });
    expect(outcomeOfResponse(429, '')).toEqual({ kind: 'unavailable', reason: 'HTTP 429' });
    expect(outcomeOfResponse(408, '')).toMatchObject({ kind: 'unavailable' });
  });

  it('reads any other 4xx as a refusal retrying cannot fix', () => {
    expect(outcomeOfResponse(400, '{"errors":[{"code":"SIM.INVALID_ACTE","message":"Objet manquant"}]}')).toEqual({
      kind: 'refused',
      reason: 'HTTP 400: SIM.INVALID_ACTE Objet manquant',
    });
    expect(outcomeOfResponse(404, 'Not Found')).toEqual({ kind: 'refused', reason: 'HTTP 404: Not Found' });
    expect(outcomeOfResponse(413, '')).toMatchObject({ kind: 'refused' });
  });
});

describe('nextStep', () => {
  it('records a taken archive as sent', () => {
    expect(nextStep({ kind: 'taken', answer: 'retry' }, context)).toEqual({ kind: 'record-sent' });
  });

  it('fails at once on a refusal, whatever budget is left', () => {
    expect(nextStep({ kind: 'refused', reason: 'HTTP 400' }, context)).toEqual({ kind: 'fail', reason: 'HTTP 400' });
  });

  it('retries an unavailable State after the delay of this delivery, and says when', () => {
    expect(nextStep({ kind: 'unavailable', reason: 'HTTP 503' }, context)).toEqual({
      kind: 'retry-later',
      reason: 'HTTP 503',
      delayMs: 1_000,
      nextAttemptAt: '2026-01-05T09:00:01.000Z',
    });
    expect(nextStep({ kind: 'unavailable', reason: 'HTTP 503' }, { ...context, attemptsInRound: 2, deliveryCount: 2 })).toMatchObject({
      kind: 'retry-later',
      delayMs: 2_000,
      nextAttemptAt: '2026-01-05T09:00:02.000Z',
    });
  });

  it('gives up on the last attempt of the round', () => {
    expect(nextStep({ kind: 'unavailable', reason: 'no answer within 15000 ms' }, { ...context, attemptsInRound: 3, deliveryCount: 3 })).toEqual({
      kind: 'give-up',
      reason: 'no answer within 15000 ms (attempt 3 of 3)',
    });
  });

  it('gives up on the broker’s last delivery, even with attempts left: no retry would come', () => {
    expect(nextStep({ kind: 'unavailable', reason: 'HTTP 503' }, { ...context, attemptsInRound: 1, deliveryCount: 7 })).toMatchObject({
      kind: 'give-up',
    });
  });
});

describe('attemptsSoFar', () => {
  const e = eventsOf('t-1');
  const failed = (attempt: number): TransmissionEvent => ({
    type: 'TransmissionDeliveryAttemptFailed',
    data: { transmissionId: 't-1', at: '2026-01-05T09:00:00.000Z', attempt, retryable: true, reason: 'HTTP 503' },
  });
  const retryRequested: TransmissionEvent = {
    type: 'TransmissionRetryRequested',
    data: { transmissionId: 't-1', at: '2026-01-05T10:00:00.000Z', requestedBy: 'ops' },
  };

  it('is 0 before any attempt', () => {
    expect(attemptsSoFar([e.received(), e.validated(), e.routed()])).toBe(0);
  });

  it('counts the attempts since routing', () => {
    expect(attemptsSoFar([e.received(), e.validated(), e.routed(), failed(1), failed(2)])).toBe(2);
  });

  it('starts again from 0 at each operator retry: a new round gets the whole budget', () => {
    const gaveUp: TransmissionEvent = {
      type: 'TransmissionFailed',
      data: { transmissionId: 't-1', at: '2026-01-05T09:00:00.000Z', attempts: 2, code: 'DELIVERY.FAILED', reason: 'HTTP 503' },
    };
    expect(attemptsSoFar([e.received(), e.validated(), e.routed(), failed(1), failed(2), gaveUp, retryRequested])).toBe(0);
    expect(attemptsSoFar([e.received(), e.validated(), e.routed(), failed(1), failed(2), gaveUp, retryRequested, failed(3)])).toBe(1);
  });
});
