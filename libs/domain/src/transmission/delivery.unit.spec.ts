import { describe, it } from '@jest/globals';
import {
  acknowledged,
  acteAcknowledged,
  acteFailed,
  acteRouted,
  acteSent,
  acteValidated,
  at,
  attemptFailed,
  command,
  deferred,
  failed,
  id,
  later,
  packaged,
  retryRequested,
  sent,
  spec,
  withCode,
} from '../../test/transmission.fixtures.js';
import { TransmissionErrorCode as Code } from './transmission.errors.js';

const { fileName, sha256 } = sent(1).data;
const recordSent = (attempt: number) => command('RecordSent', { attempt, fileName, sha256 });
const unavailable = (attempt: number) =>
  command('RecordDeliveryFailure', { attempt, retryable: true, reason: 'HTTP 503', nextAttemptAt: later });

describe('sending', () => {
  it('records a delivery the State took', () => {
    spec.given(acteRouted).when(recordSent(1)).then([sent(1)]);
  });

  it('records nothing when the same delivery is reported again, whatever happened since', () => {
    spec.given(acteSent).when(recordSent(1)).then([]);
    spec.given(acteAcknowledged).when(recordSent(1)).then([]);
  });

  it('refuses another file under an attempt number already recorded', () => {
    spec
      .given(acteSent)
      .when(command('RecordSent', { attempt: 1, fileName, sha256: 'd'.repeat(64) }))
      .thenThrows(withCode(Code.ConflictingFact));
  });

  it('refuses to send what is not routed', () => {
    spec.given(acteValidated).when(recordSent(1)).thenThrows(withCode(Code.InvalidTransition));
    spec.given(acteSent).when(recordSent(2)).thenThrows(withCode(Code.InvalidTransition));
    spec.given(acteFailed).when(recordSent(2)).thenThrows(withCode(Code.InvalidTransition));
  });

  it('refuses an attempt number that does not come after the last one', () => {
    spec.given([...acteRouted, attemptFailed(1)]).when(recordSent(1)).thenThrows(withCode(Code.InvalidTransition));
    spec.given(acteRouted).when(recordSent(0)).thenThrows(withCode(Code.InvalidCommand));
    spec.given(acteRouted).when(recordSent(1.5)).thenThrows(withCode(Code.InvalidCommand));
  });
});

describe('packaging', () => {
  const recordPackage = (over: Partial<{ fileName: string; sha256: string; size: number }> = {}) =>
    command('RecordPackage', { fileName, sha256, size: 4096, ...over });

  it('records the file to deliver once the transmission is routed, status unchanged', () => {
    spec.given(acteRouted).when(recordPackage()).then([packaged()]);
  });

  it('records nothing when the same file is reported again, even after it was sent', () => {
    spec.given([...acteRouted, packaged()]).when(recordPackage()).then([]);
    spec.given([...acteRouted, packaged(), sent(1)]).when(recordPackage()).then([]);
  });

  it('refuses a second, different file: it would reach the State as another acte', () => {
    spec
      .given([...acteRouted, packaged()])
      .when(recordPackage({ fileName: 'SLO-EACT--212102313--20260105-2.tar.gz' }))
      .thenThrows(withCode(Code.ConflictingFact));
    spec.given([...acteRouted, packaged()]).when(recordPackage({ sha256: 'd'.repeat(64) })).thenThrows(withCode(Code.ConflictingFact));
  });

  it('refuses to package what is not routed, or a file without name, hash or bytes', () => {
    spec.given(acteValidated).when(recordPackage()).thenThrows(withCode(Code.InvalidTransition));
    spec.given(acteRouted).when(recordPackage({ fileName: '' })).thenThrows(withCode(Code.InvalidCommand));
    spec.given(acteRouted).when(recordPackage({ sha256: 'C'.repeat(64) })).thenThrows(withCode(Code.InvalidCommand));
    spec.given(acteRouted).when(recordPackage({ size: 0 })).thenThrows(withCode(Code.InvalidCommand));
  });

  it('makes every attempt send the packaged file', () => {
    spec.given([...acteRouted, packaged()]).when(recordSent(1)).then([sent(1)]);
    spec
      .given([...acteRouted, packaged()])
      .when(command('RecordSent', { attempt: 1, fileName: 'other.tar.gz', sha256 }))
      .thenThrows(withCode(Code.ConflictingFact));
  });
});

describe('deferring to the next transmission window', () => {
  const nextWindow = '2026-01-05T10:00:00.000Z';
  const afterThat = '2026-01-05T11:00:00.000Z';
  const defer = (until = nextWindow) => command('DeferDelivery', { until, reason: 'window of prefecture-021 full' });
  const packagedRouted = [...acteRouted, packaged()];

  it('records the wait of a packaged, routed transmission, status unchanged', () => {
    spec.given(packagedRouted).when(defer()).then([deferred(nextWindow)]);
    spec.given([...packagedRouted, attemptFailed(1)]).when(defer()).then([deferred(nextWindow)]);
  });

  it('records a wait once: the same until again records nothing, even once delivery went on', () => {
    spec.given([...packagedRouted, deferred(nextWindow)]).when(defer()).then([]);
    spec.given([...packagedRouted, deferred(nextWindow), sent(1)]).when(defer()).then([]);
  });

  it('records each new wait, keeping the latest', () => {
    spec.given([...packagedRouted, deferred(nextWindow)]).when(defer(afterThat)).then([deferred(afterThat)]);
    spec.given([...packagedRouted, deferred(nextWindow), deferred(afterThat)]).when(defer(afterThat)).then([]);
    spec.given([...packagedRouted, deferred(nextWindow), deferred(afterThat)]).when(defer()).then([deferred(nextWindow)]);
  });

  it('lets the deferred attempt be made, with the attempt number it would have had', () => {
    spec.given([...packagedRouted, deferred(nextWindow)]).when(recordSent(1)).then([sent(1)]);
    spec.given([...packagedRouted, deferred(nextWindow)]).when(unavailable(1)).then([attemptFailed(1)]);
  });

  it('refuses a wait before packaging or outside delivery', () => {
    spec.given(acteRouted).when(defer()).thenThrows(withCode(Code.InvalidTransition));
    spec.given(acteValidated).when(defer()).thenThrows(withCode(Code.InvalidTransition));
    spec.given([...packagedRouted, sent(1)]).when(defer()).thenThrows(withCode(Code.InvalidTransition));
    spec.given([...packagedRouted, attemptFailed(1), failed(1)]).when(defer()).thenThrows(withCode(Code.InvalidTransition));
  });

  it('refuses a wait that ends before it starts, or at no readable time', () => {
    spec.given(packagedRouted).when(defer(at)).thenThrows(withCode(Code.InvalidCommand));
    spec.given(packagedRouted).when(defer('2026-01-05T08:00:00.000Z')).thenThrows(withCode(Code.InvalidCommand));
    spec.given(packagedRouted).when(defer('soon')).thenThrows(withCode(Code.InvalidCommand));
  });
});

describe('failing an attempt', () => {
  it('records a retryable failure and waits for the next attempt', () => {
    spec.given(acteRouted).when(unavailable(1)).then([attemptFailed(1)]);
    spec.given([...acteRouted, attemptFailed(1)]).when(recordSent(2)).then([sent(2)]);
  });

  it('records a delivery the State took but never answered as failed', () => {
    spec.given(acteSent).when(unavailable(1)).then([attemptFailed(1)]);
    spec.given([...acteSent, attemptFailed(1)]).when(recordSent(2)).then([sent(2)]);
  });

  it('gives up at once when the failure cannot be retried', () => {
    const refused = command('RecordDeliveryFailure', { attempt: 1, retryable: false, reason: 'certificate refused' });
    spec.given(acteRouted).when(refused).then([
      {
        type: 'TransmissionDeliveryAttemptFailed',
        data: { transmissionId: id, at, attempt: 1, retryable: false, reason: 'certificate refused' },
      },
      { type: 'TransmissionFailed', data: { transmissionId: id, at, attempts: 1, code: 'DELIVERY.FAILED', reason: 'certificate refused' } },
    ]);
  });

  it('records nothing when the same failure is reported again', () => {
    spec.given([...acteRouted, attemptFailed(1)]).when(unavailable(1)).then([]);
    spec.given([...acteRouted, attemptFailed(1), sent(2), acknowledged()]).when(unavailable(1)).then([]);
  });

  it('refuses another failure under an attempt number already recorded', () => {
    const other = command('RecordDeliveryFailure', { attempt: 1, retryable: true, reason: 'timeout' });
    spec.given([...acteRouted, attemptFailed(1)]).when(other).thenThrows(withCode(Code.ConflictingFact));
  });

  it('refuses a failure reported out of order or outside delivery', () => {
    spec
      .given([...acteRouted, attemptFailed(1), sent(2)])
      .when(unavailable(0))
      .thenThrows(withCode(Code.InvalidCommand));
    spec
      .given([...acteRouted, attemptFailed(2), sent(3)])
      .when(unavailable(1))
      .thenThrows(withCode(Code.InvalidTransition));
    spec.given(acteValidated).when(unavailable(1)).thenThrows(withCode(Code.InvalidTransition));
    spec.given(acteAcknowledged).when(unavailable(2)).thenThrows(withCode(Code.InvalidTransition));
  });
});

describe('giving up', () => {
  const giveUp = command('GiveUp', { reason: 'retry budget spent' });

  it('ends delivery at failed, naming the last attempt', () => {
    const history = [...acteRouted, attemptFailed(1), sent(2), attemptFailed(2), attemptFailed(3)];
    spec.given(history).when(giveUp).then([failed(3)]);
    spec.given(acteSent).when(giveUp).then([failed(1)]);
  });

  it('records nothing when delivery is already given up', () => {
    spec.given(acteFailed).when(giveUp).then([]);
  });

  it('refuses to give up outside delivery', () => {
    spec.given(acteValidated).when(giveUp).thenThrows(withCode(Code.InvalidTransition));
    spec.given(acteAcknowledged).when(giveUp).thenThrows(withCode(Code.InvalidTransition));
  });
});

describe('retrying', () => {
  const retry = command('Retry', { requestedBy: 'token-supervisor' });

  it('puts a failed transmission back on the routed → sent path, attempt numbers going on', () => {
    spec.given(acteFailed).when(retry).then([retryRequested()]);
    spec.given([...acteFailed, retryRequested()]).when(recordSent(2)).then([sent(2)]);
    spec.given([...acteFailed, retryRequested()]).when(recordSent(1)).thenThrows(withCode(Code.InvalidTransition));
  });

  it('lets the State answer after a retry', () => {
    spec
      .given([...acteFailed, retryRequested(), sent(2)])
      .when(command('RecordAcknowledgment', { acknowledgment: acknowledged().data.acknowledgment }))
      .then([acknowledged()]);
  });

  it('can fail and be retried again', () => {
    const history = [...acteFailed, retryRequested(), attemptFailed(2), failed(2)];
    spec.given(history).when(retry).then([retryRequested()]);
  });

  it('records nothing when a retry is asked again before anything was sent', () => {
    spec.given([...acteFailed, retryRequested()]).when(retry).then([]);
  });

  it('refuses to retry what has not failed', () => {
    spec.given(acteRouted).when(retry).thenThrows(withCode(Code.InvalidTransition));
    spec.given(acteSent).when(retry).thenThrows(withCode(Code.InvalidTransition));
    spec.given([...acteFailed, retryRequested(), sent(2)]).when(retry).thenThrows(withCode(Code.InvalidTransition));
    spec.given(acteAcknowledged).when(retry).thenThrows(withCode(Code.InvalidTransition));
  });
});
