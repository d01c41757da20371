import { describe, expect, it } from '@jest/globals';
import {
  acteAcknowledged,
  acteRouted,
  acteSent,
  command,
  id,
  letterReceived,
  pes,
  personalDataShredded,
  received,
  rejected,
  replyRequested,
  spec,
  withCode,
} from '../../test/transmission.fixtures.js';
import { TransmissionErrorCode as Code } from './transmission.errors.js';
import type { TransmissionEvent } from './transmission.events.js';
import { decide } from './transmission.decide.js';
import { toStored } from './transmission.wire.js';
import { evolve, initialState, type TransmissionState } from './transmission.state.js';

const shred = (reason = 'retention period of 3650 days ended', requestedBy = 'relais') =>
  command('ShredPersonalData', { reason, requestedBy });

function fold(events: readonly TransmissionEvent[]): TransmissionState {
  return events.reduce(evolve, initialState());
}

describe('shredding a transmission’s personal data', () => {
  it('is recorded in any status, naming the fields the history holds', () => {
    const fields = ['submission.objet' as const];
    const data = { transmissionId: id, at: '2026-01-05T09:00:00.000Z', fields, reason: 'retention period of 3650 days ended', requestedBy: 'relais' };
    spec.given([received()]).when(shred()).then([{ type: 'PersonalDataShredded', data }]);
    for (const history of [acteRouted, acteSent, [received(), rejected()]]) {
      const [event] = decide(shred(), fold(history));
      expect(event).toMatchObject({ type: 'PersonalDataShredded', data: { transmissionId: id, fields: ['submission.objet'] } });
    }
  });

  it('names the letters’ text once a letter with text was recorded', () => {
    const history = [...acteAcknowledged, letterReceived('3-1'), replyRequested('3-2')];
    const [event] = decide(shred('demande RGPD n° 17', 'token:admin'), fold(history));
    expect(event?.data).toMatchObject({ fields: ['submission.objet', 'letters.text'], reason: 'demande RGPD n° 17', requestedBy: 'token:admin' });
  });

  it('names no field for a PES file, whose header identifiers name no one', () => {
    const [event] = decide(shred(), fold([received(pes)]));
    expect(event?.data).toMatchObject({ fields: [] });
  });

  it('records nothing the second time, whatever the reason', () => {
    spec.given([...acteSent, personalDataShredded()]).when(shred('again')).then([]);
  });

  it('refuses a transmission that does not exist, and a reason that is empty or on several lines', () => {
    spec.given([]).when(shred()).thenThrows(withCode(Code.NotFound));
    spec.given([received()]).when(shred('  ')).thenThrows(withCode(Code.InvalidCommand));
    spec.given([received()]).when(shred('one\ntwo')).thenThrows(withCode(Code.InvalidCommand));
    spec.given([received()]).when(shred('x'.repeat(501))).thenThrows(withCode(Code.InvalidCommand));
  });

  it('leaves the status and the rest of the state as they were', () => {
    for (const history of [[received()], acteRouted, acteSent, acteAcknowledged, [received(), rejected()]]) {
      const before = fold(history);
      const after = fold([...history, personalDataShredded()]);
      expect(after.status).toBe(before.status);
      expect({ ...after, personalDataShredded: undefined }).toEqual({ ...before, personalDataShredded: undefined });
      expect(after).toMatchObject({ personalDataShredded: { fields: ['submission.objet'], requestedBy: 'relais' } });
    }
  });

  it('goes on deciding after a shred: the acte is still delivered and answered', () => {
    spec.given([...acteRouted, personalDataShredded()]).when(command('RecordSent', { attempt: 1, fileName: 'SLO-EACT--212102313--20260105-1.tar.gz', sha256: 'c'.repeat(64) })).then(acteSent.slice(-1));
  });

  it('stores as relais.transmission.v1.PersonalDataShredded', () => {
    expect(toStored(personalDataShredded())).toEqual({
      type: 'relais.transmission.v1.PersonalDataShredded',
      data: { transmissionId: id, at: '2026-01-05T09:05:00Z', fields: ['submission.objet'], reason: 'retention period of 3650 days ended', requestedBy: 'relais' },
    });
  });
});
