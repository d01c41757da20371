import { describe, expect, it } from '@jest/globals';
import { PDFDocument } from 'pdf-lib';
import { StampErrorCode } from './errors.js';
import { shownText } from './pdf-text.js';
import { acknowledgmentReceipt, SHREDDED_OBJET, type ReceiptFacts } from './receipt.js';

const facts: ReceiptFacts = {
  collectivite: { nom: 'Commune de Saint-Étienne-lès-Remiremont', siren: '212102313' },
  idActe: '021-212102313-20260104-DEL2026_001-DE',
  numeroInterne: 'DEL2026_001',
  nature: 'DE',
  classification: '7.1',
  objet: 'Budget primitif 2026 — vote des taux d’imposition',
  dateDecision: '2026-01-04',
  envoyeLe: '2026-01-05T09:00:00.000Z',
  recuLe: '2026-01-06',
  archive: 'SLO-EACT--212102313--20260105-1.tar.gz',
  document: { name: 'deliberation.pdf', sha256: 'ab'.repeat(32) },
  annexes: [{ name: 'annexe-1.pdf', sha256: 'cd'.repeat(32) }],
  transmissionId: '6f1c2a4e-5b7d-4c3e-9a1f-2b3c4d5e6f70',
};

describe('acknowledgmentReceipt', () => {
  it('is a one-page A4 PDF stating every fact of the acknowledgment', async () => {
    const receipt = await acknowledgmentReceipt(facts);
    const doc = await PDFDocument.load(receipt);
    expect(doc.getPageCount()).toBe(1);
    const { width, height } = doc.getPage(0).getSize();
    expect([Math.round(width), Math.round(height)]).toEqual([595, 842]);
    expect(doc.getTitle()).toBe(`Accusé de réception ${facts.idActe}`);
    const text = await shownText(receipt);
    expect(text[0]).toBe('Accusé de réception — bordereau d’acquittement');
    expect(text).toEqual(
      expect.arrayContaining([
        'Commune de Saint-Étienne-lès-Remiremont',
        '212102313',
        facts.idActe,
        'DEL2026_001',
        '04/01/2026',
        'Délibération (DE)',
        '7.1',
        'Budget primitif 2026 — vote des taux d’imposition',
        'Envoyé en préfecture le',
        '05/01/2026',
        'Reçu en préfecture le',
        '06/01/2026',
        'SLO-EACT--212102313--20260105-1.tar.gz',
        'deliberation.pdf',
        'ab'.repeat(32),
        'annexe-1.pdf',
        'cd'.repeat(32),
        facts.transmissionId,
      ]),
    );
    expect(text.join(' ')).toContain(`sous l'identifiant ${facts.idActe}`);
  });

  it('says the objet was erased once the transmission’s personal data were shredded', async () => {
    const text = await shownText(await acknowledgmentReceipt({ ...facts, objet: null }));
    expect(text).toContain(SHREDDED_OBJET);
    expect(text).not.toContain(facts.objet);
    expect(text).toContain('DEL2026_001');
  });

  it('draws what the standard fonts cannot as ?, and keeps the longest values on the one page', async () => {
    const annexes = Array.from({ length: 40 }, (_, i) => ({ name: `annexe-${i + 1}-${'x'.repeat(200)}.pdf`, sha256: 'ef'.repeat(32) }));
    const receipt = await acknowledgmentReceipt({
      ...facts,
      collectivite: { nom: `Syndicat ${'intercommunal '.repeat(40)}🚰`, siren: '212102313' },
      objet: `${'Très long objet de délibération '.repeat(15)}\n avec 東京 et un saut de ligne`.slice(0, 499),
      annexes,
    });
    const doc = await PDFDocument.load(receipt);
    expect(doc.getPageCount()).toBe(1);
    const text = await shownText(receipt);
    expect(text.some((line) => line.includes('?'))).toBe(true);
    expect(text).toContain('… et 35 autres annexes');
    expect(text.some((line) => line.endsWith('[…]'))).toBe(true);
    expect(text).toContain(facts.idActe);
  });

  it('gives the same text for the same facts, and prints a nature it does not know as given', async () => {
    const first = await shownText(await acknowledgmentReceipt({ ...facts, nature: 'Autre nature' }));
    const second = await shownText(await acknowledgmentReceipt({ ...facts, nature: 'Autre nature' }));
    expect(first).toEqual(second);
    expect(first).toContain('Autre nature');
  });

  it('refuses a malformed IDActe, sha256 or date with STAMP.INVALID_FACTS', async () => {
    for (const wrong of [
      { idActe: 'avec espace' },
      { document: { name: 'x.pdf', sha256: 'AB'.repeat(32) } },
      { annexes: [{ name: 'a.pdf', sha256: 'short' }] },
      { recuLe: '06/01/2026' },
      { dateDecision: '2026-13-01' },
    ]) {
      await expect(acknowledgmentReceipt({ ...facts, ...wrong })).rejects.toMatchObject({ code: StampErrorCode.InvalidFacts });
    }
  });
});
