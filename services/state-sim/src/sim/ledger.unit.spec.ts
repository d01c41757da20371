import { describe, expect, it } from '@jest/globals';

import { type ActeDeliveryFacts, DeliveryLedger } from './ledger.js';

const first: ActeDeliveryFacts = {
  archiveName: 'RLS-EACT--491011698--20171227-5.tar.gz',
  sha256: 'a'.repeat(64),
  siren: '491011698',
  numeroInterne: 'CL20171227_06',
};

describe('DeliveryLedger', () => {
  it('counts a first delivery as received', () => {
    const ledger = new DeliveryLedger();
    expect(ledger.record(first)).toBe('accepted');
    expect(ledger.stats()).toEqual({
      received: 1,
      retries: 0,
      duplicates: 0,
      conflicts: 0,
      byKind: {
        acte: { received: 1, retries: 0, duplicates: 0, conflicts: 0 },
        pes: { received: 0, retries: 0, duplicates: 0, conflicts: 0 },
        annulation: { received: 0, retries: 0, duplicates: 0, conflicts: 0 },
        reply: { received: 0, retries: 0, duplicates: 0, conflicts: 0 },
        classification: { received: 0, retries: 0, duplicates: 0, conflicts: 0 },
      },
    });
  });

  it('counts the same name with the same bytes as a retry, as often as it comes', () => {
    const ledger = new DeliveryLedger();
    ledger.record(first);
    expect(ledger.record(first)).toBe('retry');
    expect(ledger.record(first)).toBe('retry');
    expect(ledger.stats()).toMatchObject({ received: 1, retries: 2, duplicates: 0, conflicts: 0 });
  });

  it('counts the same name with other bytes as a conflict, whatever acte it carries', () => {
    const ledger = new DeliveryLedger();
    ledger.record(first);
    expect(ledger.record({ ...first, sha256: 'b'.repeat(64) })).toBe('conflict');
    expect(ledger.record({ ...first, sha256: 'c'.repeat(64), numeroInterne: 'OTHER' })).toBe('conflict');
    expect(ledger.stats()).toMatchObject({ received: 1, retries: 0, duplicates: 0, conflicts: 2 });
  });

  it('keeps the first bytes as the reference: their re-send stays a retry after a conflict', () => {
    const ledger = new DeliveryLedger();
    ledger.record(first);
    ledger.record({ ...first, sha256: 'b'.repeat(64) });
    expect(ledger.record(first)).toBe('retry');
  });

  it('counts the same acte in another archive as a duplicate, and a re-send of that archive as a retry', () => {
    const ledger = new DeliveryLedger();
    ledger.record(first);
    const second = { ...first, archiveName: 'RLS-EACT--491011698--20171227-6.tar.gz', sha256: 'd'.repeat(64) };
    expect(ledger.record(second)).toBe('duplicate');
    expect(ledger.record(second)).toBe('retry');
    expect(ledger.stats()).toMatchObject({ received: 1, retries: 1, duplicates: 1, conflicts: 0 });
  });

  it('tells actes apart by SIREN and numéro interne', () => {
    const ledger = new DeliveryLedger();
    ledger.record(first);
    expect(
      ledger.record({ ...first, archiveName: 'RLS-EACT--491011698--20171227-6.tar.gz', numeroInterne: 'CL20171227_07' }),
    ).toBe('accepted');
    expect(
      ledger.record({ ...first, archiveName: 'RLS-EACT--214502494--20171227-5.tar.gz', siren: '214502494' }),
    ).toBe('accepted');
    expect(ledger.stats()).toMatchObject({ received: 3, duplicates: 0 });
  });

  it('classifies without recording', () => {
    const ledger = new DeliveryLedger();
    expect(ledger.classify(first)).toBe('accepted');
    expect(ledger.classify(first)).toBe('accepted');
    expect(ledger.stats().received).toBe(0);
  });

  it('counts answers to letters and classification requests apart, keeping the totals to actes and PES', () => {
    const ledger = new DeliveryLedger();
    const reply = { archiveName: 'RLS-EACT--491011698--20171229-1.tar.gz', sha256: 'e'.repeat(64), key: 'letter/3-4' };
    expect(ledger.recordKeyed('reply', reply)).toBe('accepted');
    expect(ledger.recordKeyed('reply', reply)).toBe('retry');
    expect(ledger.recordKeyed('reply', { ...reply, sha256: 'f'.repeat(64) })).toBe('conflict');
    expect(ledger.recordKeyed('reply', { ...reply, archiveName: 'RLS-EACT--491011698--20171229-2.tar.gz' })).toBe('duplicate');
    expect(ledger.recordKeyed('reply', { ...reply, archiveName: 'RLS-EACT--491011698--20171229-3.tar.gz', key: 'letter/3-2' })).toBe('accepted');
    // The same key in another flow is another thing.
    expect(ledger.recordKeyed('classification', { ...reply, archiveName: 'RLS-EACT--491011698--20171229-4.tar.gz' })).toBe('accepted');
    expect(ledger.stats()).toEqual({
      received: 0,
      retries: 0,
      duplicates: 0,
      conflicts: 0,
      byKind: {
        acte: { received: 0, retries: 0, duplicates: 0, conflicts: 0 },
        pes: { received: 0, retries: 0, duplicates: 0, conflicts: 0 },
        annulation: { received: 0, retries: 0, duplicates: 0, conflicts: 0 },
        reply: { received: 2, retries: 1, duplicates: 1, conflicts: 1 },
        classification: { received: 1, retries: 0, duplicates: 0, conflicts: 0 },
      },
    });
  });

  it('counts PES files under byKind.pes and in the totals: retry, conflict, and a (CodCol, NomFic) already received as a duplicate', () => {
    const ledger = new DeliveryLedger();
    ledger.record(first);
    const pes = { fileName: 'PESALR2_21349999900017_260315_001.xml', sha256: 'a'.repeat(64), codCol: '123', nomFic: 'PES_0001.xml' };
    expect(ledger.recordPes(pes)).toBe('accepted');
    expect(ledger.recordPes(pes)).toBe('retry');
    expect(ledger.recordPes({ ...pes, sha256: 'b'.repeat(64) })).toBe('conflict');
    const renamed = { ...pes, fileName: 'PESALR2_21349999900017_260315_002.xml', sha256: 'c'.repeat(64) };
    expect(ledger.recordPes(renamed)).toBe('duplicate');
    expect(ledger.recordPes(renamed)).toBe('retry');
    // The same NomFic under another CodCol is another file.
    expect(ledger.recordPes({ ...pes, fileName: 'PESALR2_21349999900017_260315_003.xml', codCol: '124' })).toBe('accepted');
    expect(ledger.stats()).toEqual({
      received: 3,
      retries: 2,
      duplicates: 1,
      conflicts: 1,
      byKind: {
        acte: { received: 1, retries: 0, duplicates: 0, conflicts: 0 },
        pes: { received: 2, retries: 2, duplicates: 1, conflicts: 1 },
        annulation: { received: 0, retries: 0, duplicates: 0, conflicts: 0 },
        reply: { received: 0, retries: 0, duplicates: 0, conflicts: 0 },
        classification: { received: 0, retries: 0, duplicates: 0, conflicts: 0 },
      },
    });
  });
});
