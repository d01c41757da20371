import { describe, it } from '@jest/globals';
import {
  acte,
  acteRouted,
  acteSent,
  acteValidated,
  at,
  command,
  id,
  invalidObjet,
  pes,
  received,
  rejected,
  routed,
  siren,
  spec,
  validated,
  withCode,
} from '../../test/transmission.fixtures.js';
import type { TransmissionCommand } from './transmission.commands.js';
import { TransmissionErrorCode as Code } from './transmission.errors.js';

describe('submitting', () => {
  it('opens a transmission for an acte', () => {
    spec.given([]).when(command('SubmitActe', { siren, acte })).then([received(acte)]);
  });

  it('opens a transmission for a PES file', () => {
    spec.given([]).when(command('SubmitPes', { siren, pes })).then([received(pes)]);
  });

  it('records nothing when the same submission comes again under the same id', () => {
    spec.given([received(acte)]).when(command('SubmitActe', { siren, acte })).then([]);
    spec.given(acteSent).when(command('SubmitActe', { siren, acte })).then([]);
  });

  it('refuses another submission under a taken id', () => {
    const other = { ...acte, objet: 'Compte administratif 2025' };
    spec
      .given([received(acte)])
      .when(command('SubmitActe', { siren, acte: other }))
      .thenThrows(withCode(Code.AlreadyExists));
    spec.given([received(acte)]).when(command('SubmitPes', { siren, pes })).thenThrows(withCode(Code.AlreadyExists));
    spec
      .given([received(acte)])
      .when(command('SubmitActe', { siren: '200000172', acte }))
      .thenThrows(withCode(Code.AlreadyExists));
  });

  const others: TransmissionCommand[] = [
    command('RecordValidation', { errors: [] }),
    command('Route', { endpointId: 'prefecture-021', channel: 'actes' }),
    command('RecordSent', { attempt: 1, fileName: 'a.tar.gz', sha256: 'c'.repeat(64) }),
    command('RecordDeliveryFailure', { attempt: 1, retryable: true, reason: 'HTTP 503' }),
    command('GiveUp', { reason: 'retry budget spent' }),
    command('Retry', { requestedBy: 'token-supervisor' }),
    command('RecordAcknowledgment', { acknowledgment: { kind: 'acte', idActe: 'x', dateReception: '2026-01-05' } }),
    command('RecordNack', { source: 'acte_anomaly', reasonCode: '003', detail: 'x' }),
    command('RecordPartialAcceptance', { outcomes: [] }),
    command('RequestCancellation', { requestedBy: 'token-dijon' }),
    command('RecordCancellation', { idActe: 'x' }),
  ];

  it.each(others.map((c) => [c.type, c] as const))('refuses %s for a transmission that does not exist', (_, c) => {
    spec.given([]).when(c).thenThrows(withCode(Code.NotFound));
  });

  it('refuses a command naming another transmission than the one loaded', () => {
    const elsewhere = { type: 'RecordValidation', data: { transmissionId: `${id}-other`, at, errors: [] } } as const;
    spec.given([received(acte)]).when(elsewhere).thenThrows(withCode(Code.InvalidCommand));
  });
});

describe('validating', () => {
  it('records a valid submission as validated', () => {
    spec.given([received(acte)]).when(command('RecordValidation', { errors: [] })).then([validated()]);
  });

  it('records a submission with errors as rejected, with every error', () => {
    spec
      .given([received(acte)])
      .when(command('RecordValidation', { errors: [invalidObjet] }))
      .then([rejected([invalidObjet])]);
  });

  it('records nothing when the same verdict comes again, even after delivery went on', () => {
    spec.given(acteValidated).when(command('RecordValidation', { errors: [] })).then([]);
    spec.given(acteSent).when(command('RecordValidation', { errors: [] })).then([]);
    spec
      .given([received(acte), rejected([invalidObjet])])
      .when(command('RecordValidation', { errors: [invalidObjet] }))
      .then([]);
  });

  it('refuses a verdict that contradicts the recorded one', () => {
    spec
      .given(acteValidated)
      .when(command('RecordValidation', { errors: [invalidObjet] }))
      .thenThrows(withCode(Code.ConflictingFact));
    spec
      .given([received(acte), rejected()])
      .when(command('RecordValidation', { errors: [] }))
      .thenThrows(withCode(Code.ConflictingFact));
  });
});

describe('routing', () => {
  const toPrefecture = command('Route', { endpointId: 'prefecture-021', channel: 'actes' });

  it('routes a validated transmission', () => {
    spec.given(acteValidated).when(toPrefecture).then([routed()]);
  });

  it('records nothing when the same route comes again', () => {
    spec.given(acteRouted).when(toPrefecture).then([]);
    spec.given(acteSent).when(toPrefecture).then([]);
  });

  it('refuses another endpoint once routed', () => {
    spec
      .given(acteRouted)
      .when(command('Route', { endpointId: 'prefecture-075', channel: 'actes' }))
      .thenThrows(withCode(Code.ConflictingFact));
  });

  it('refuses to route what is not validated', () => {
    spec.given([received(acte)]).when(toPrefecture).thenThrows(withCode(Code.InvalidTransition));
    spec.given([received(acte), rejected()]).when(toPrefecture).thenThrows(withCode(Code.InvalidTransition));
  });

  it('refuses a channel that does not carry the kind', () => {
    spec
      .given(acteValidated)
      .when(command('Route', { endpointId: 'helios-021000', channel: 'helios' }))
      .thenThrows(withCode(Code.KindMismatch));
    spec.given([received(pes), validated()]).when(toPrefecture).thenThrows(withCode(Code.KindMismatch));
  });

  it('ends delivery at rejected', () => {
    const history = [received(acte), rejected()];
    spec
      .given(history)
      .when(command('RecordSent', { attempt: 1, fileName: 'a.tar.gz', sha256: 'c'.repeat(64) }))
      .thenThrows(withCode(Code.InvalidTransition));
    spec
      .given(history)
      .when(command('Retry', { requestedBy: 'token-supervisor' }))
      .thenThrows(withCode(Code.InvalidTransition));
    spec.given(history).when(command('GiveUp', { reason: 'x' })).thenThrows(withCode(Code.InvalidTransition));
  });
});
