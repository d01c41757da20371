import { describe, expect, it } from '@jest/globals';
import { ProjectionSpecification } from '@relais/testing';
import {
  acknowledged,
  acteAcknowledged,
  acteFailed,
  acteRouted,
  acteSent,
  acteValidated,
  attemptFailed,
  cancellationRequested,
  cancelled,
  deferred,
  idActe,
  nacked,
  packaged,
  partiallyAccepted,
  pes,
  pesSent,
  received,
  rejected,
  retryRequested,
  sent,
  validated,
} from '../../test/transmission.fixtures.js';
import type { TransmissionEvent } from './transmission.events.js';
import { evolve, initialState, type TransmissionState } from './transmission.state.js';
import type { TransmissionStatus } from './transmission.values.js';

const states = ProjectionSpecification.for({ evolve, initialState });

const statusOf = (state: TransmissionState) => state.status;

const histories: [TransmissionStatus, readonly TransmissionEvent[]][] = [
  ['received', [received()]],
  ['validated', acteValidated],
  ['rejected', [received(), rejected()]],
  ['routed', acteRouted],
  ['routed', [...acteRouted, packaged(), deferred()]],
  ['sent', acteSent],
  ['routed', [...acteSent, attemptFailed(1)]],
  ['failed', acteFailed],
  ['routed', [...acteFailed, retryRequested()]],
  ['sent', [...acteFailed, retryRequested(), sent(2)]],
  ['acknowledged', acteAcknowledged],
  ['acknowledged', [...acteAcknowledged, cancellationRequested()]],
  ['cancelled', [...acteAcknowledged, cancellationRequested(), cancelled()]],
  ['nacked', [...acteSent, nacked()]],
  ['partially_accepted', [...pesSent, partiallyAccepted()]],
];

describe('the state of a transmission', () => {
  it('starts with nothing', () => {
    expect(initialState()).toEqual({ status: 'none' });
  });

  it.each(histories.map(([status, events]) => [status, events.map((e) => e.type).join(' → '), events] as const))(
    'is %s after %s',
    (status, _, events) => {
      states.given(events).thenMatches((state) => {
        expect(statusOf(state)).toBe(status);
      });
    },
  );

  it('keeps what the decisions need: the route, each attempt, the answer, the cancellation', () => {
    const events = [...acteFailed, retryRequested(), sent(2), acknowledged(), cancellationRequested()];
    states.given(events).thenMatches((state) => {
      expect(state).toMatchObject({
        route: { endpointId: 'prefecture-021', channel: 'actes' },
        sent: [{ attempt: 2 }],
        failed: [{ attempt: 1, retryable: true }],
        lastAttempt: 2,
        retryPending: false,
        answer: { status: 'acknowledged', acknowledgment: { idActe } },
        cancellation: { requestedBy: 'token-dijon', idActe },
      });
    });
  });

  it('keeps the latest wait for a transmission window, after delivery went on too', () => {
    const first = '2026-01-05T10:00:00.000Z';
    const second = '2026-01-05T11:00:00.000Z';
    states.given([...acteRouted, packaged(), deferred(first), deferred(second), sent(1)]).thenMatches((state) => {
      expect(state).toMatchObject({ status: 'sent', deferral: { until: second, reason: 'window of prefecture-021 full' } });
    });
  });

  it('keeps a PES submission as submitted', () => {
    states.given([received(pes), validated()]).thenMatches((state) => {
      expect(state).toMatchObject({ status: 'validated', submission: pes, validationErrors: [] });
    });
  });

  it('ignores events that do not fit, so that any history stays readable', () => {
    states.given([validated(), sent(1)]).then({ status: 'none' });
    states.given([received(), received(pes)]).thenMatches((state) => {
      expect(state).toMatchObject({ status: 'received', submission: { kind: 'acte' } });
    });
  });
});
