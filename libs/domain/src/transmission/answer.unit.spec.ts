import { describe, it } from '@jest/globals';
import {
  acknowledged,
  acteAck,
  acteAcknowledged,
  acteFailed,
  acteRouted,
  acteSent,
  acteValidated,
  attemptFailed,
  bordereauAccepted,
  command,
  failed,
  nacked,
  partiallyAccepted,
  pesSent,
  pjRefused,
  received,
  rejected,
  spec,
  withCode,
} from '../../test/transmission.fixtures.js';
import { TransmissionErrorCode as Code } from './transmission.errors.js';
import type { Acknowledgment } from './transmission.values.js';

const acknowledge = (acknowledgment: Acknowledgment = acteAck) => command('RecordAcknowledgment', { acknowledgment });
const anomaly = command('RecordNack', { source: 'acte_anomaly', reasonCode: '003', detail: 'classification inconnue' });
const partial = command('RecordPartialAcceptance', { outcomes: [bordereauAccepted, pjRefused] });
const pesAck = { kind: 'pes', outcomes: [bordereauAccepted] } as const;

describe('acknowledging', () => {
  it('records the ARActe of a sent acte', () => {
    spec.given(acteSent).when(acknowledge()).then([acknowledged()]);
  });

  it('records the PES_Acquit of a sent PES file', () => {
    spec.given(pesSent).when(acknowledge(pesAck)).then([acknowledged(pesAck)]);
    spec
      .given(pesSent)
      .when(acknowledge({ kind: 'pes', outcomes: [] }))
      .then([acknowledged({ kind: 'pes', outcomes: [] })]);
  });

  it('takes a late answer after an attempt failed or delivery was given up', () => {
    spec.given([...acteSent, attemptFailed(1)]).when(acknowledge()).then([acknowledged()]);
    spec.given([...acteSent, attemptFailed(1), failed(1)]).when(acknowledge()).then([acknowledged()]);
    spec.given([...acteSent, failed(1)]).when(acknowledge()).then([acknowledged()]);
  });

  it('records nothing when the same acknowledgment comes again', () => {
    spec.given(acteAcknowledged).when(acknowledge()).then([]);
  });

  it('refuses an acknowledgment with another IDActe', () => {
    const other = { ...acteAck, idActe: '021-212102313-20260104-DEL2026_002-DE' };
    spec.given(acteAcknowledged).when(acknowledge(other)).thenThrows(withCode(Code.ConflictingFact));
  });

  it('refuses an acknowledgment before anything was delivered', () => {
    spec.given(acteValidated).when(acknowledge()).thenThrows(withCode(Code.InvalidTransition));
    spec.given(acteRouted).when(acknowledge()).thenThrows(withCode(Code.InvalidTransition));
    spec.given([...acteRouted, attemptFailed(1)]).when(acknowledge()).thenThrows(withCode(Code.InvalidTransition));
    spec.given(acteFailed).when(acknowledge()).thenThrows(withCode(Code.InvalidTransition));
    spec.given([received(), rejected()]).when(acknowledge()).thenThrows(withCode(Code.InvalidTransition));
  });

  it('refuses an acknowledgment of the other kind or that contradicts itself', () => {
    spec.given(acteSent).when(acknowledge(pesAck)).thenThrows(withCode(Code.KindMismatch));
    spec.given(pesSent).when(acknowledge()).thenThrows(withCode(Code.KindMismatch));
    spec
      .given(pesSent)
      .when(acknowledge({ kind: 'pes', outcomes: [bordereauAccepted, pjRefused] }))
      .thenThrows(withCode(Code.InvalidCommand));
    spec.given(acteSent).when(acknowledge({ ...acteAck, idActe: '' })).thenThrows(withCode(Code.InvalidCommand));
  });
});

describe('nacking', () => {
  it('records the State refusing an acte as a whole', () => {
    spec.given(acteSent).when(anomaly).then([nacked()]);
  });

  it('records a PES NACK', () => {
    const nack = command('RecordNack', { source: 'pes_nack', reasonCode: 'ERREUR_CODIQUE', detail: 'poste inconnu' });
    spec.given(pesSent).when(nack).then([{ type: 'TransmissionNacked', data: { ...nack.data } }]);
  });

  it('records a PES_Acquit refusing every element with each element’s verdict, and only refusals', () => {
    const nack = command('RecordNack', { source: 'pes_nack', reasonCode: 'ERREUR_PJ', detail: 'PJ illisible', outcomes: [pjRefused] });
    spec.given(pesSent).when(nack).then([{ type: 'TransmissionNacked', data: { ...nack.data } }]);
    const accepting = command('RecordNack', { source: 'pes_nack', reasonCode: 'ERREUR_PJ', detail: 'x', outcomes: [pjRefused, bordereauAccepted] });
    spec.given(pesSent).when(accepting).thenThrows(withCode(Code.InvalidCommand));
    const acte = command('RecordNack', { source: 'acte_anomaly', reasonCode: '003', detail: 'x', outcomes: [pjRefused] });
    spec.given(acteSent).when(acte).thenThrows(withCode(Code.KindMismatch));
  });

  it('records nothing when the same refusal comes again', () => {
    spec.given([...acteSent, nacked()]).when(anomaly).then([]);
  });

  it('refuses a refusal that contradicts the State’s answer', () => {
    spec.given(acteAcknowledged).when(anomaly).thenThrows(withCode(Code.ConflictingFact));
    spec.given([...acteSent, nacked()]).when(acknowledge()).thenThrows(withCode(Code.ConflictingFact));
    spec
      .given([...acteSent, nacked()])
      .when(command('RecordNack', { ...anomaly.data, reasonCode: '001' }))
      .thenThrows(withCode(Code.ConflictingFact));
  });

  it('refuses a refusal from the other kind’s system', () => {
    spec.given(pesSent).when(anomaly).thenThrows(withCode(Code.KindMismatch));
    spec
      .given(acteSent)
      .when(command('RecordNack', { source: 'pes_nack', reasonCode: 'x', detail: 'x' }))
      .thenThrows(withCode(Code.KindMismatch));
  });

  it('refuses a refusal before anything was delivered', () => {
    spec.given(acteRouted).when(anomaly).thenThrows(withCode(Code.InvalidTransition));
  });
});

describe('accepting in part', () => {
  it('records a PES file some of whose elements were refused', () => {
    spec.given(pesSent).when(partial).then([partiallyAccepted()]);
  });

  it('records nothing when the same verdicts come again', () => {
    spec.given([...pesSent, partiallyAccepted()]).when(partial).then([]);
  });

  it('refuses verdicts that contradict the State’s answer', () => {
    spec.given([...pesSent, partiallyAccepted()]).when(acknowledge(pesAck)).thenThrows(withCode(Code.ConflictingFact));
    spec.given([...pesSent, acknowledged(pesAck)]).when(partial).thenThrows(withCode(Code.ConflictingFact));
  });

  it('refuses a partial acceptance of an acte, or one that is not partial', () => {
    spec.given(acteSent).when(partial).thenThrows(withCode(Code.KindMismatch));
    spec
      .given(pesSent)
      .when(command('RecordPartialAcceptance', { outcomes: [pjRefused] }))
      .thenThrows(withCode(Code.InvalidCommand));
    spec
      .given(pesSent)
      .when(command('RecordPartialAcceptance', { outcomes: [bordereauAccepted] }))
      .thenThrows(withCode(Code.InvalidCommand));
  });

  it('refuses a partial acceptance before anything was delivered', () => {
    spec.given(pesSent.slice(0, 3)).when(partial).thenThrows(withCode(Code.InvalidTransition));
  });
});
