import { describe, it } from '@jest/globals';
import {
  acknowledged,
  acteAck,
  acteAcknowledged,
  acteSent,
  cancellationRequested,
  cancelled,
  command,
  idActe,
  messageSent,
  nacked,
  pesSent,
  spec,
  withCode,
} from '../../test/transmission.fixtures.js';
import { TransmissionErrorCode as Code } from './transmission.errors.js';

const request = command('RequestCancellation', { requestedBy: 'token-dijon' });
const arAnnulation = command('RecordCancellation', { idActe });

describe('requesting a cancellation', () => {
  it('records the request for an acknowledged acte, with its IDActe', () => {
    spec.given(acteAcknowledged).when(request).then([cancellationRequested()]);
  });

  it('records nothing when the request comes again, pending or done', () => {
    spec.given([...acteAcknowledged, cancellationRequested()]).when(request).then([]);
    spec.given([...acteAcknowledged, cancellationRequested(), messageSent('6-1'), cancelled()]).when(request).then([]);
  });

  it('refuses an acte the préfecture has not acknowledged', () => {
    spec.given(acteSent).when(request).thenThrows(withCode(Code.CancellationNotAllowed));
    spec.given([...acteSent, nacked()]).when(request).thenThrows(withCode(Code.CancellationNotAllowed));
  });

  it('refuses an acknowledged acte without an IDActe', () => {
    spec
      .given([...acteSent, acknowledged({ ...acteAck, idActe: '' })])
      .when(request)
      .thenThrows(withCode(Code.CancellationNotAllowed));
  });

  it('refuses a PES file, which has no cancellation', () => {
    const pesAcknowledged = [...pesSent, acknowledged({ kind: 'pes', outcomes: [] })];
    spec.given(pesAcknowledged).when(request).thenThrows(withCode(Code.CancellationNotAllowed));
  });
});

describe('recording the cancellation (6-2)', () => {
  it('makes the acknowledged acte cancelled', () => {
    spec.given([...acteAcknowledged, cancellationRequested(), messageSent('6-1')]).when(arAnnulation).then([cancelled()]);
  });

  it('waits for the 6-1 to be recorded as sent before taking its 6-2', () => {
    spec.given([...acteAcknowledged, cancellationRequested()]).when(arAnnulation).thenThrows(withCode(Code.InvalidTransition));
  });

  it('records nothing when the 6-2 comes again', () => {
    spec.given([...acteAcknowledged, cancellationRequested(), messageSent('6-1'), cancelled()]).when(arAnnulation).then([]);
  });

  it('refuses a 6-2 for another IDActe', () => {
    const other = command('RecordCancellation', { idActe: '021-212102313-20260104-OTHER-DE' });
    spec.given([...acteAcknowledged, cancellationRequested()]).when(other).thenThrows(withCode(Code.ConflictingFact));
    spec
      .given([...acteAcknowledged, cancellationRequested(), messageSent('6-1'), cancelled()])
      .when(other)
      .thenThrows(withCode(Code.ConflictingFact));
  });

  it('refuses a 6-2 nobody asked for', () => {
    spec.given(acteAcknowledged).when(arAnnulation).thenThrows(withCode(Code.InvalidTransition));
  });

  it('refuses a PES file', () => {
    spec.given(pesSent).when(arAnnulation).thenThrows(withCode(Code.CancellationNotAllowed));
  });

  it('keeps the acknowledgment of a cancelled acte: the same ARActe again changes nothing', () => {
    const history = [...acteAcknowledged, cancellationRequested(), messageSent('6-1'), cancelled()];
    spec.given(history).when(command('RecordAcknowledgment', { acknowledgment: acteAck })).then([]);
    spec
      .given(history)
      .when(command('RecordNack', { source: 'acte_anomaly', reasonCode: '003', detail: 'x' }))
      .thenThrows(withCode(Code.ConflictingFact));
  });
});
