import { describe, expect, it } from '@jest/globals';
import type { ActeSubmission, TransmissionEvent } from '@relais/domain';
import { acte, eventsOf, pes } from '@relais/domain/testing';
import { KeyRing } from './key-ring.js';
import { isSealed, newKey } from './sealed-field.js';
import { openActe, revealEvent, sealActe, sealPersonalField } from './transmission-fields.js';

const id = 'tr-privacy-1';
const key = newKey();
const personal: ActeSubmission = { ...acte, nature: 'AI', objet: 'Nomination de M. Jean Martin au grade de rédacteur' };
const events = eventsOf(id);

describe('the personal fields of a transmission', () => {
  it('seals the objet of an acte, and nothing else of it', () => {
    const sealed = sealActe(id, key, personal);
    expect(isSealed(sealed.objet)).toBe(true);
    expect({ ...sealed, objet: personal.objet }).toEqual(personal);
    expect(sealActe(id, key, personal)).toEqual(sealed);
    expect(sealActe(id, key, sealed)).toEqual(sealed);
  });

  it('keeps an empty value empty', () => {
    expect(sealActe(id, key, { ...personal, objet: '' }).objet).toBe('');
    expect(sealPersonalField(id, key, 'letters.text', '')).toBe('');
  });

  it('opens the acte with the ring, and says why it cannot once the key is gone', () => {
    const sealed = sealActe(id, key, personal);
    expect(openActe(id, sealed, new KeyRing(new Map([[id, key]])))).toEqual({ ok: true, acte: personal });
    expect(openActe(id, sealed, new KeyRing(new Map([[id, null]])))).toEqual({ ok: false, reason: 'shredded' });
    expect(openActe(id, sealed, KeyRing.empty())).toEqual({ ok: false, reason: 'no_key' });
    expect(openActe(id, personal, KeyRing.empty())).toEqual({ ok: true, acte: personal });
  });

  it('shows an event with its personal fields in clear, null once shredded, plain ones as stored', () => {
    const received = events.received(sealActe(id, key, personal));
    const letter = events.letterReceived('4-1');
    const sealedLetter = {
      ...letter,
      data: { ...letter.data, text: sealPersonalField(id, key, 'letters.text', 'Le Motif vise M. Jean Martin') },
    } as TransmissionEvent;
    const ring = new KeyRing(new Map([[id, key]]));
    expect(revealEvent(received, ring)).toMatchObject({ data: { submission: { objet: personal.objet } } });
    expect(revealEvent(sealedLetter, ring)).toMatchObject({ data: { text: 'Le Motif vise M. Jean Martin' } });
    const shredded = new KeyRing(new Map([[id, null]]));
    expect(revealEvent(received, shredded)).toMatchObject({ data: { submission: { objet: null, numeroInterne: personal.numeroInterne } } });
    expect(revealEvent(sealedLetter, shredded)).toMatchObject({ data: { text: null } });
    expect(revealEvent(events.received(personal), shredded)).toEqual(events.received(personal));
    expect(revealEvent(events.received(pes), shredded)).toEqual(events.received(pes));
    expect(revealEvent(events.validated(), shredded)).toEqual(events.validated());
  });
});
