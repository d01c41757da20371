import { describe, expect, it } from '@jest/globals';
import type { TransmissionEvent } from '@relais/domain';
import { ProjectionSpecification } from '@relais/testing';
import {
  acte,
  acteAck,
  bordereauAccepted,
  eventsOf,
  idActe,
  invalidObjet,
  pes,
  pesAck,
  pjRefused,
  siren,
} from '@relais/domain/testing';
import { KeyRing, newKey, sealActe, sealPersonalField } from '@relais/privacy';
import { DELIVERY_FAILED, evolveTransmissionView, hasSealedFields, revealView, type EventMeta, type TransmissionView } from '@relais/read-models';

interface Recorded {
  readonly event: TransmissionEvent;
  readonly meta: EventMeta;
}

const id = 'tr-0001';
const e = eventsOf(id);
/** The i-th event of a history is recorded i minutes after 10:00 UTC. */
const minute = (i: number): string => new Date(Date.UTC(2026, 0, 5, 10, i)).toISOString();

const spec = ProjectionSpecification.for<Recorded, TransmissionView | undefined>({
  evolve: (view, { event, meta }) => evolveTransmissionView(view, event, meta),
  initialState: () => undefined,
});

function given(events: readonly TransmissionEvent[]) {
  return spec.given(
    events.map((event, i) => ({ event, meta: { recordedAt: new Date(minute(i)), streamId: `transmission-${id}` } })),
  );
}

const acteReceived: TransmissionView = {
  id,
  kind: 'acte',
  siren,
  status: 'received',
  createdAt: minute(0),
  updatedAt: minute(0),
  errors: [],
  acte: { numeroInterne: acte.numeroInterne, nature: 'DE', classification: '7.1', objet: acte.objet },
};

describe('evolveTransmissionView', () => {
  it('shows a received acte with its metadata and the recorded time as ISO 8601 UTC', () => {
    given([e.received()]).then(acteReceived);
  });

  it('follows an acte to acknowledged, with the IDActe from the AR', () => {
    given([e.received(), e.validated(), e.routed(), e.sent()]).then({ ...acteReceived, status: 'sent', updatedAt: minute(3) });
    given([e.received(), e.validated(), e.routed(), e.sent(), e.acknowledged()]).then({
      ...acteReceived,
      status: 'acknowledged',
      updatedAt: minute(4),
      acte: { ...acteReceived.acte!, idActe },
      acknowledgment: { at: minute(4), idActe, dateReception: acteAck.dateReception },
    });
  });

  it('shows each intermediate status', () => {
    given([e.received(), e.validated()]).thenMatches((v) => {
      expect(v?.status).toBe('validated');
    });
    given([e.received(), e.validated(), e.routed()]).thenMatches((v) => {
      expect(v?.status).toBe('routed');
    });
  });

  it('stays routed while delivery waits for a transmission window, the shape unchanged', () => {
    given([e.received(), e.validated(), e.routed(), e.deferred()]).then({ ...acteReceived, status: 'routed', updatedAt: minute(3) });
  });

  it('lists validation errors of a rejected transmission', () => {
    given([e.received(), e.rejected()]).then({ ...acteReceived, status: 'rejected', updatedAt: minute(1), errors: [invalidObjet] });
  });

  it('shows the State refusal of a nacked transmission as an error', () => {
    given([e.received(), e.validated(), e.routed(), e.sent(), e.nacked()]).then({
      ...acteReceived,
      status: 'nacked',
      updatedAt: minute(4),
      errors: [{ code: 'ACTE_ANOMALY.003', message: 'classification inconnue' }],
    });
  });

  it('goes from failed back to routed on retry, then to acknowledged, its failure error cleared', () => {
    const failedHistory = [e.received(), e.validated(), e.routed(), e.attemptFailed(1), e.failed(1)];
    given(failedHistory).then({
      ...acteReceived,
      status: 'failed',
      updatedAt: minute(4),
      errors: [{ code: DELIVERY_FAILED, message: 'retry budget spent' }],
    });
    given([...failedHistory, e.retryRequested()]).thenMatches((v) => {
      expect(v?.status).toBe('routed');
      expect(v?.errors).toEqual([]);
    });
    given([...failedHistory, e.retryRequested(), e.sent(2), e.acknowledged()]).thenMatches((v) => {
      expect(v).toMatchObject({ status: 'acknowledged', errors: [], updatedAt: minute(7), createdAt: minute(0) });
      expect(v?.acte?.idActe).toBe(idActe);
    });
  });

  it('cancels an acknowledged acte once the annulation is acknowledged, not when it is asked', () => {
    const acknowledged = [e.received(), e.validated(), e.routed(), e.sent(), e.acknowledged()];
    given([...acknowledged, e.cancellationRequested()]).thenMatches((v) => {
      expect(v?.status).toBe('acknowledged');
      expect(v?.updatedAt).toBe(minute(5));
    });
    given([...acknowledged, e.cancellationRequested(), e.cancelled()]).thenMatches((v) => {
      expect(v).toMatchObject({ status: 'cancelled', updatedAt: minute(6), acte: { idActe } });
    });
  });

  it('shows a PES file, its acknowledgment and its partial acceptance with the outcomes', () => {
    const pesReceived: TransmissionView = {
      id,
      kind: 'pes',
      siren,
      status: 'received',
      createdAt: minute(0),
      updatedAt: minute(0),
      errors: [],
      pes: { nomFic: pes.nomFic, codCol: pes.codCol, idPost: pes.idPost },
    };
    const sent = [e.received(pes), e.validated(), e.routed('helios'), e.sent()];
    given([e.received(pes)]).then(pesReceived);
    given([...sent, e.acknowledged(pesAck)]).then({
      ...pesReceived,
      status: 'acknowledged',
      updatedAt: minute(4),
      pes: { ...pesReceived.pes!, outcomes: [bordereauAccepted] },
      acknowledgment: { at: minute(4), outcomes: [bordereauAccepted] },
    });
    given([...sent, e.partiallyAccepted()]).then({
      ...pesReceived,
      status: 'partially_accepted',
      updatedAt: minute(4),
      pes: { ...pesReceived.pes!, outcomes: [bordereauAccepted, pjRefused] },
    });
  });

  it('ignores events before the reception and a repeated reception', () => {
    given([e.validated()]).then(undefined);
    given([e.received(), e.received(pes)]).then(acteReceived);
  });
});

describe('the personal data of a transmission view', () => {
  const key = newKey();
  const personalActe = { ...acte, objet: 'Nomination de Mme Camille Durand' };
  const sealedActe = sealActe(id, key, personalActe);
  const letter = e.letterReceived('4-1');
  const sealedLetter = {
    ...letter,
    data: { ...letter.data, text: sealPersonalField(id, key, 'letters.text', 'Le recrutement de Mme Durand') },
  } as TransmissionEvent;
  const history = [e.received(sealedActe), e.validated(), e.routed(), e.sent(), e.acknowledged(), sealedLetter];

  it('folds the sealed values as they are, and the ring opens them', () => {
    given(history).thenMatches((v) => {
      expect(hasSealedFields(v!)).toBe(true);
      const shown = revealView(v!, new KeyRing(new Map([[id, key]])));
      expect(shown.acte?.objet).toBe('Nomination de Mme Camille Durand');
      expect(shown.acte?.exchanges?.[0]?.text).toBe('Le recrutement de Mme Durand');
      expect(hasSealedFields(shown)).toBe(false);
      expect(revealView(shown, KeyRing.empty())).toEqual(shown);
    });
  });

  it('shows null where a key is shredded', () => {
    given(history).thenMatches((v) => {
      const shown = revealView(v!, new KeyRing(new Map([[id, null]])));
      expect(shown.acte?.objet).toBeNull();
      expect(shown.acte?.exchanges?.[0]?.text).toBeNull();
      expect(shown.personalDataShredded).toBeUndefined();
    });
  });

  it('forgets them on PersonalDataShredded, without changing the status', () => {
    given([...history, e.personalDataShredded(['submission.objet', 'letters.text'])]).thenMatches((v) => {
      expect(v).toMatchObject({ status: 'acknowledged', personalDataShredded: true, acte: { objet: null, idActe, numeroInterne: acte.numeroInterne } });
      expect(v?.acte?.exchanges?.[0]).toMatchObject({ text: null, code: '4-1' });
      expect(JSON.stringify(v)).not.toContain('relais:sealed');
    });
    given([e.received(pes), e.personalDataShredded([])]).thenMatches((v) => {
      expect(v).toMatchObject({ status: 'received', personalDataShredded: true, pes: { nomFic: pes.nomFic } });
    });
  });
});
