import { describe, expect, it } from '@jest/globals';
import { toStored, type TransmissionEvent } from '@relais/domain';
import { acte, eventsOf, otherSiren, pes, pesAck, siren } from '@relais/domain/testing';
import type { StoredEvent } from '@relais/event-store';
import { noticeMail } from './notice-mail.js';
import { noticeEventOf, noticeRecipients, type NoticeEvent, type NoticeSubscriber } from './notice-plan.js';

/** A history as the log stores it: wire form, versions from 1, one second apart from 09:00:00 UTC. */
function history(events: readonly TransmissionEvent[]): StoredEvent[] {
  return events.map((event, i) => {
    const wire = toStored(event);
    return {
      globalPosition: BigInt(i + 1),
      transactionId: BigInt(i + 1),
      streamId: 'transmission-t-1',
      streamVersion: BigInt(i + 1),
      eventId: `e-${String(i + 1)}`,
      type: wire.type,
      data: wire.data,
      metadata: {},
      recordedAt: new Date(Date.UTC(2026, 0, 5, 9, 0, i)),
      hash: Buffer.alloc(32),
    };
  });
}

const e = eventsOf('t-1');
const delivered = [e.received(), e.validated(), e.routed(), e.sent()];
/** What a notice sees of the last event of `events`. */
const last = (events: readonly TransmissionEvent[]): NoticeEvent | undefined => noticeEventOf(history(events));

const chose = new Date(Date.UTC(2026, 0, 1));
function subscriber(userId: string, choice: Partial<NoticeSubscriber> = {}): NoticeSubscriber {
  return { userId, role: 'collectivite', siren, active: true, statuses: [], messageTypes: [], since: chose, ...choice };
}

describe('what a notice is about', () => {
  it('the status an event brings, the préfecture’s message it records, or both (the AR)', () => {
    expect(last([...delivered, e.acknowledged()])).toEqual({
      eventId: 'e-5',
      transmissionId: 't-1',
      siren,
      kind: 'acte',
      label: acte.numeroInterne,
      status: 'acknowledged',
      messageType: '1-2',
      at: '2026-01-05T09:00:00.000Z',
      recordedAt: new Date(Date.UTC(2026, 0, 5, 9, 0, 4)),
    });
    expect(last(delivered.slice(0, 1))).toMatchObject({ status: 'received' });
    expect(last([...delivered, e.nacked()])).toMatchObject({ status: 'nacked', messageType: '1-3' });
    const envelopeAnomaly: TransmissionEvent = { type: 'TransmissionNacked', data: { transmissionId: 't-1', at: e.sent().data.at, source: 'envelope_anomaly', reasonCode: '002', detail: 'enveloppe' } };
    expect(last([...delivered, envelopeAnomaly])).toMatchObject({ status: 'nacked', messageType: 'anomalie-enveloppe' });
    expect(last([...delivered, e.failed()])).toMatchObject({ status: 'failed' });
    expect(last([...delivered, e.failed()])?.messageType).toBeUndefined();
  });

  it('the préfecture’s letters and receipts after the AR, which leave the status as it is', () => {
    const acknowledged = [...delivered, e.acknowledged()];
    for (const code of ['2-1', '3-1', '4-1', '5-1'] as const) {
      const notice = last([...acknowledged, e.letterReceived(code)]);
      expect([notice?.messageType, notice?.status]).toEqual([code, undefined]);
    }
    expect(last([...acknowledged, e.letterReceived('3-1'), e.replyRequested('3-4'), e.replyAcknowledged('3-5')])).toMatchObject({ messageType: '3-5' });
    expect(last([...acknowledged, e.cancellationRequested(), e.cancelled()])).toMatchObject({ status: 'cancelled', messageType: '6-2' });
  });

  it('nothing for a step that changes no status and carries no message; a PES file by its name, its answers by status alone', () => {
    expect(last([...delivered, e.attemptFailed()])).toMatchObject({ status: 'routed' });
    expect(last([...delivered, e.acknowledged(), e.replyRequested('3-2')])).toBeUndefined();
    expect(last([...delivered, e.acknowledged(), e.personalDataShredded()])).toBeUndefined();
    expect(last([...delivered, e.deferred()])).toBeUndefined();
    const pesLife = [e.received(pes), e.validated(), e.routed('helios'), e.sent()];
    expect(last([...pesLife, e.acknowledged(pesAck)])).toMatchObject({ kind: 'pes', label: pes.nomFic, status: 'acknowledged' });
    expect(last([...pesLife, e.acknowledged(pesAck)])?.messageType).toBeUndefined();
    expect(last([...pesLife, e.partiallyAccepted()])).toMatchObject({ status: 'partially_accepted' });
  });
});

describe('who is e-mailed about it', () => {
  const ar = last([...delivered, e.acknowledged()])!;

  it('the active users who asked for its status or its message, each once, within their scope', () => {
    const subscribers = [
      subscriber('u-status', { statuses: ['acknowledged'] }),
      subscriber('u-message', { messageTypes: ['1-2'] }),
      subscriber('u-both', { statuses: ['acknowledged'], messageTypes: ['1-2'] }),
      subscriber('u-other-status', { statuses: ['failed', 'nacked'], messageTypes: ['3-1'] }),
      subscriber('u-other-siren', { siren: otherSiren, statuses: ['acknowledged'] }),
      subscriber('u-disabled', { active: false, statuses: ['acknowledged'] }),
      subscriber('u-supervisor', { role: 'supervisor', statuses: ['acknowledged'] }),
      subscriber('u-auditor', { role: 'auditor', messageTypes: ['1-2'] }),
      subscriber('u-nothing'),
    ];
    expect(noticeRecipients(ar, subscribers)).toEqual([
      { userId: 'u-auditor', role: 'auditor' },
      { userId: 'u-both', role: 'collectivite' },
      { userId: 'u-message', role: 'collectivite' },
      { userId: 'u-status', role: 'collectivite' },
      { userId: 'u-supervisor', role: 'supervisor' },
    ]);
  });

  it('not about what the log recorded before they first chose', () => {
    const late = subscriber('u-late', { statuses: ['acknowledged'], since: new Date(ar.recordedAt.getTime() + 1) });
    const onTime = subscriber('u-on-time', { statuses: ['acknowledged'], since: ar.recordedAt });
    expect(noticeRecipients(ar, [late, onTime]).map((r) => r.userId)).toEqual(['u-on-time']);
  });

  it('a supervisor hears of every collectivité’s failures; a collectivité’s user of its own only', () => {
    const other = eventsOf('t-2', otherSiren);
    const failed = last([other.received(), other.validated(), other.routed(), other.failed()])!;
    expect(failed).toMatchObject({ siren: otherSiren, status: 'failed' });
    const subscribers = [subscriber('u-supervisor', { role: 'supervisor', statuses: ['failed'] }), subscriber('u-agent', { statuses: ['failed'] })];
    expect(noticeRecipients(failed, subscribers).map((r) => r.userId)).toEqual(['u-supervisor']);
  });

  it('a group administrator hears of the members of their group, and of no other collectivité', () => {
    const other = eventsOf('t-3', otherSiren);
    const failed = last([other.received(), other.validated(), other.routed(), other.failed()])!;
    const subscribers = [
      subscriber('u-group', { siren: '200000172', groupSirens: [otherSiren], statuses: ['failed'] }),
      subscriber('u-other-group', { siren: '200000172', groupSirens: ['999999999'], statuses: ['failed'] }),
    ];
    expect(noticeRecipients(failed, subscribers).map((r) => r.userId)).toEqual(['u-group']);
  });
});

describe('the e-mail', () => {
  const ar = last([...delivered, e.acknowledged()])!;
  const settings = { from: 'relais@gip.example.org', publicUrl: 'https://relais.gip.example.org' };

  it('says in French which acte, what happened and when, links to the page of the role, and has a stable Message-ID', () => {
    const mail = noticeMail(ar, { userId: 'u-1', role: 'collectivite' }, settings);
    expect(mail.messageId).toBe('<notice.e-5.u-1@gip.example.org>');
    expect(mail.subject).toBe(`[Relais] Acte ${acte.numeroInterne} (SIREN ${siren}) : accusé de réception de l’acte (1-2)`);
    expect(mail.text).toContain(`La préfecture a envoyé un message au sujet de l’acte ${acte.numeroInterne} de la collectivité ${siren}.`);
    expect(mail.text).toContain('Message de la préfecture : accusé de réception de l’acte (1-2)');
    expect(mail.text).toContain('État de la transmission : acquittée (l’accusé de réception est arrivé)');
    expect(mail.text).toContain('Le 5 janvier 2026 à 10:00 (heure de Paris), 2026-01-05T09:00:00.000Z');
    expect(mail.text).toContain('Transmission : t-1');
    expect(mail.text).toContain('Pour la suivre : https://relais.gip.example.org/app');
    // The objet may name a person: never in an e-mail.
    expect(`${mail.subject}\n${mail.text}`).not.toContain(acte.objet);
    expect(noticeMail(ar, { userId: 'u-1', role: 'collectivite' }, settings)).toEqual(mail);
    expect(noticeMail(ar, { userId: 'u-2', role: 'supervisor' }, settings).text).toContain('Pour la suivre : https://relais.gip.example.org/dashboard');
    expect(noticeMail(ar, { userId: 'u-3', role: 'auditor' }, settings).text).toContain('/audit');
  });

  it('names a status change of a PES file by its file name, and a letter without its text', () => {
    const pesFailed = last([e.received(pes), e.validated(), e.routed('helios'), e.failed()])!;
    const mail = noticeMail(pesFailed, { userId: 'u-1', role: 'supervisor' }, settings);
    expect(mail.subject).toBe(`[Relais] Flux PES ${pes.nomFic} (SIREN ${siren}) : en échec (l’envoi a été abandonné après plusieurs essais)`);
    expect(mail.text).toContain(`Le flux PES ${pes.nomFic} de la collectivité ${siren} a changé d’état.`);
    expect(mail.text).not.toContain('Message de la préfecture');

    const letter = last([...delivered, e.acknowledged(), e.letterReceived('4-1')])!;
    const observations = noticeMail(letter, { userId: 'u-1', role: 'collectivite' }, settings);
    expect(observations.subject).toContain(': lettre d’observations (4-1)');
    expect(observations.text).not.toContain('État de la transmission');
    expect(observations.text).not.toContain('plan de financement');
  });
});
