import { describe, expect, it } from '@jest/globals';
import type { ActesClassification } from '@relais/actes';
import { evolveClassification, initialClassificationState, type ClassificationEvent } from '@relais/domain';
import { classificationView, requestStatus } from './classification-view.js';

const siren = '212102313';
const fallback: ActesClassification = { version: '2019-03-01', codes: new Set(['7', '7.1']), natures: new Map([['DE', new Set(['99_DE'])]]) };
const requested: ClassificationEvent = { type: 'ClassificationRequested', data: { siren, at: '2026-11-01T08:00:00.000Z', requestId: 'rq-1', requestedBy: 'token:t1', dateClassificationHeld: '' } };
const sent: ClassificationEvent = {
  type: 'ClassificationRequestSent',
  data: { siren, at: '2026-11-01T08:01:00.000Z', requestId: 'rq-1', fileName: 'RLS-EACT--212102313--20261101-1.tar.gz', sha256: 'a'.repeat(64) },
};
const received: ClassificationEvent = {
  type: 'ClassificationReceived',
  data: { siren, at: '2026-11-01T09:00:00.000Z', dateClassification: '2026-10-15', sha256: 'b'.repeat(64), size: 900, messageId: 'm-1', requestId: 'rq-1' },
};
const stateOf = (...events: ClassificationEvent[]) => events.reduce(evolveClassification, initialClassificationState());

describe('classificationView', () => {
  it('shows the default with no request', () => {
    expect(classificationView(siren, initialClassificationState(), { source: 'default', catalogue: fallback })).toEqual({
      siren,
      source: 'default',
      dateClassification: '2019-03-01',
      codes: ['7', '7.1'],
      natures: { DE: ['99_DE'] },
      requests: [],
    });
  });

  it('shows a received 7-2 with its date and arrival, and each request with where it stands', () => {
    const catalogue: ActesClassification = { version: '2026-10-15', codes: new Set(['1', '1.1']) };
    const view = classificationView(siren, stateOf(requested, sent, received), { source: 'prefecture', catalogue });
    expect(view).toEqual({
      siren,
      source: 'prefecture',
      dateClassification: '2026-10-15',
      receivedAt: '2026-11-01T09:00:00.000Z',
      codes: ['1', '1.1'],
      requests: [
        {
          id: 'rq-1',
          requestedAt: '2026-11-01T08:00:00.000Z',
          requestedBy: 'token:t1',
          sentAt: '2026-11-01T08:01:00.000Z',
          answer: { code: '7-2', at: '2026-11-01T09:00:00.000Z', dateClassification: '2026-10-15' },
        },
      ],
    });
    expect([stateOf(requested), stateOf(requested, sent), stateOf(requested, sent, received)].map((s) => s.requests[0] && requestStatus(s.requests[0]))).toEqual([
      'requested',
      'sent',
      'answered',
    ]);
  });
});
