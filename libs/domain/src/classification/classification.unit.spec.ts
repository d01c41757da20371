import { describe, expect, it } from '@jest/globals';
import { DeciderSpecification } from '@relais/testing';
import {
  ClassificationErrorCode,
  decideClassification,
  evolveClassification,
  initialClassificationState,
  openRequest,
  type ClassificationEvent,
} from './classification.js';
import { classificationFromStored, classificationToStored } from './classification.wire.js';

const spec = DeciderSpecification.for({
  decide: decideClassification,
  evolve: evolveClassification,
  initialState: initialClassificationState,
});
const siren = '212102313';
const at = '2026-01-05T09:00:00.000Z';
const requested = (requestId = 'rq-1', held = ''): ClassificationEvent => ({
  type: 'ClassificationRequested',
  data: { siren, at, requestId, requestedBy: 'token-dijon', dateClassificationHeld: held },
});
const requestSent = (requestId = 'rq-1'): ClassificationEvent => ({
  type: 'ClassificationRequestSent',
  data: { siren, at, requestId, fileName: 'SLO-EACT--212102313--20260105-3.tar.gz', sha256: 'e'.repeat(64) },
});
const received = (requestId?: string, messageId = 'EACT--PREF021-212102313-20260105-4.tar.gz'): ClassificationEvent => ({
  type: 'ClassificationReceived',
  data: { siren, at, dateClassification: '2026-01-02', sha256: 'f'.repeat(64), size: 9000, messageId, ...(requestId === undefined ? {} : { requestId }) },
});
const unchanged = (requestId?: string): ClassificationEvent => ({
  type: 'ClassificationUnchanged',
  data: { siren, at, dateClassification: '2026-01-02', messageId: 'EACT--PREF021-212102313-20260106-5.tar.gz', ...(requestId === undefined ? {} : { requestId }) },
});
const ask = { type: 'RequestClassification' as const, data: { siren, at, requestId: 'rq-1', requestedBy: 'token-dijon' } };
const sentCommand = (fileName = 'SLO-EACT--212102313--20260105-3.tar.gz') => ({
  type: 'RecordClassificationRequestSent' as const,
  data: { siren, at, requestId: 'rq-1', fileName, sha256: 'e'.repeat(64) },
});
const seven2 = {
  type: 'RecordClassification' as const,
  data: { siren, at, dateClassification: '2026-01-02', sha256: 'f'.repeat(64), size: 9000, messageId: 'EACT--PREF021-212102313-20260105-4.tar.gz' },
};
const seven3 = {
  type: 'RecordClassificationUnchanged' as const,
  data: { siren, at, dateClassification: '2026-01-02', messageId: 'EACT--PREF021-212102313-20260106-5.tar.gz' },
};
const code = (expected: string) => (error: unknown) => {
  expect((error as { code?: string }).code).toBe(expected);
};

describe('a classification request (7-1)', () => {
  it('is recorded with the date held (empty under the default), and not again while one is open', () => {
    spec.given([]).when(ask).then([requested()]);
    spec.given([requested()]).when({ ...ask, data: { ...ask.data, requestId: 'rq-2' } }).then([]);
    spec.given([requested(), requestSent(), received('rq-1')]).when({ ...ask, data: { ...ask.data, requestId: 'rq-2' } }).then([requested('rq-2', '2026-01-02')]);
  });

  it('is recorded again once the open one has waited a day unanswered', () => {
    const dayLater = { ...ask, data: { ...ask.data, requestId: 'rq-2', at: '2026-01-06T09:00:00.000Z' } };
    const again: ClassificationEvent = {
      type: 'ClassificationRequested',
      data: { siren, at: '2026-01-06T09:00:00.000Z', requestId: 'rq-2', requestedBy: 'token-dijon', dateClassificationHeld: '' },
    };
    spec.given([requested(), requestSent()]).when(dayLater).then([again]);
  });

  it('is sent once; another archive for it is a conflict, an unknown request refused', () => {
    spec.given([requested()]).when(sentCommand()).then([requestSent()]);
    spec.given([requested(), requestSent()]).when(sentCommand()).then([]);
    spec.given([requested(), requestSent()]).when(sentCommand('SLO-EACT--212102313--20260105-9.tar.gz')).thenThrows(code(ClassificationErrorCode.ConflictingFact));
    spec.given([]).when(sentCommand()).thenThrows(code(ClassificationErrorCode.UnknownRequest));
  });
});

describe("the préfecture's answer (7-2, 7-3)", () => {
  it('answers the open request that was sent, and is recorded once', () => {
    spec.given([requested(), requestSent()]).when(seven2).then([received('rq-1')]);
    spec.given([requested(), requestSent()]).when(seven3).then([unchanged('rq-1')]);
    spec.given([requested(), requestSent(), received('rq-1')]).when(seven2).then([]);
  });

  it('is taken unasked too (a préfecture may push a new classification)', () => {
    spec.given([]).when(seven2).then([received()]);
  });

  it('makes a 7-2 the current classification and closes the request', () => {
    const state = [requested(), requestSent(), received('rq-1')].reduce(evolveClassification, initialClassificationState());
    expect(state.current?.dateClassification).toBe('2026-01-02');
    expect(openRequest(state)).toBeUndefined();
    expect(state.requests[0]?.answer?.code).toBe('7-2');
  });
});

describe('the stored form', () => {
  it.each([requested(), requestSent(), received('rq-1'), received(), unchanged('rq-1'), unchanged()].map((e) => [e.type, e] as const))(
    'round-trips %s',
    (_, event) => {
      const { type, data } = classificationToStored(event);
      expect(classificationFromStored(type, JSON.parse(JSON.stringify(data)))).toStrictEqual(event);
    },
  );

  it('refuses another type', () => {
    expect(() => classificationFromStored('relais.collectivite.v1.CollectiviteRegistered', {})).toThrow(/Cannot decode/);
  });
});
