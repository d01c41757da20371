import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { minimalPdf } from '@relais/testing';
import type { Browser, Page } from 'playwright-core';
import { browserMissing, launchChromium, watchPage } from './browser.js';
import { Client, type TestCollectivite } from './client.js';
import { startPlatform, type Platform } from './platform.js';

/*
 * Issue 10 in a real browser: a secrétaire de mairie signs in with her collectivité's token in Debian's
 * Chromium, submits an acte with an annex from the French form with the keyboard alone, follows it to
 * the préfecture's AR (the State simulator answers), downloads the stamped acte and has it cancelled; a bad numéro
 * interne is refused next to its field before anything is sent.
 */
const missing = browserMissing();
if (missing !== undefined) console.warn(`app.e2e skipped: ${missing}`);
const describeWithBrowser = missing === undefined ? describe : describe.skip;

let platform: Platform | undefined;
let browser: Browser | undefined;
let mairie: TestCollectivite;

beforeAll(async () => {
  if (missing !== undefined) return;
  platform = await startPlatform();
  await platform.waitUntilReady(90_000);
  mairie = await new Client(platform).collectivite('212102313', '021', '1');
  browser = await launchChromium();
}, 150_000);

afterAll(async () => {
  await browser?.close();
  await platform?.stop();
}, 30_000);

function running(): { platform: Platform; browser: Browser } {
  if (platform === undefined || browser === undefined) throw new Error('The platform or Chromium did not start');
  return { platform, browser };
}

/** Signs in through the form, which leads a collectivité to /app. */
async function signIn(page: Page): Promise<void> {
  await page.goto(`${running().platform.gatewayUrl}/signin`);
  await page.fill('input[name="token"]', mairie.token);
  await Promise.all([page.waitForURL((url) => url.pathname === '/app'), page.keyboard.press('Enter')]);
  await page.waitForSelector('body[data-ready="true"]');
}

/** Presses Tab until `id` has the focus, as a keyboard user does (a date field holds three stops and its calendar button). */
async function tabTo(page: Page, id: string): Promise<void> {
  for (let presses = 0; presses < 6; presses++) {
    await page.keyboard.press('Tab');
    // Counted first: getAttribute would wait while the focus is inside the date field's own calendar button.
    const focus = page.locator(':focus');
    if ((await focus.count()) === 1 && (await focus.getAttribute('id')) === id) return;
  }
  throw new Error(`Tab never reached #${id}`);
}

/** Fills the form with the keyboard only: Tab from field to field, typing, arrows in the lists; files as a file picker gives them. */
async function fillByKeyboard(page: Page, numero: string): Promise<void> {
  await page.focus('#numeroInterne');
  await page.keyboard.type(numero);
  await tabTo(page, 'dateDecision');
  await page.keyboard.type('05012026');
  await tabTo(page, 'nature');
  await page.keyboard.press('ArrowDown'); // Délibération
  await tabTo(page, 'classification');
  await page.keyboard.press('ArrowDown'); // the first classification code
  await tabTo(page, 'objet');
  await page.keyboard.type('Délibération relative aux tarifs de la cantine scolaire');
  await page.setInputFiles('#document', { name: 'deliberation.pdf', mimeType: 'application/pdf', buffer: Buffer.from(minimalPdf(`Acte ${numero}`, 20_000)) });
  await page.setInputFiles('#annexes', { name: 'annexe-tarifs.pdf', mimeType: 'application/pdf', buffer: Buffer.from(minimalPdf('Annexe : grille des tarifs')) });
}

/** From the objet, Tab past the two file fields to the button, and Enter. */
async function sendByKeyboard(page: Page): Promise<void> {
  for (const next of ['document', 'annexes', 'send']) await tabTo(page, next);
  await page.keyboard.press('Enter');
}

describeWithBrowser('the collectivités’ web app', () => {
  it('shows a bad numéro interne next to its field, in French, before anything is sent', async () => {
    const context = await running().browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'fr-FR' });
    try {
      const page = await context.newPage();
      await signIn(page);
      let posted = 0;
      page.on('request', (request) => {
        if (request.method() === 'POST' && request.url().endsWith('/api/v1/actes')) posted++;
      });
      await fillByKeyboard(page, 'del 2026/01');
      await sendByKeyboard(page);
      const error = page.locator('#numeroInterne-error');
      await error.waitFor({ state: 'visible' });
      expect(await error.textContent()).toMatch(/majuscules, des chiffres et « _ »/);
      expect(await page.getAttribute('#numeroInterne', 'aria-invalid')).toBe('true');
      // The field in fault has the focus, and its error is announced with it.
      expect(await page.locator(':focus').getAttribute('id')).toBe('numeroInterne');
      expect(await page.getAttribute('#numeroInterne', 'aria-describedby')).toContain('numeroInterne-error');
      expect(posted).toBe(0);
    } finally {
      await context.close();
    }
  });

  it('submits an acte with an annex by keyboard alone, follows it to the AR and downloads the stamped acte', async () => {
    const context = await running().browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'fr-FR', acceptDownloads: true });
    try {
      const page = await context.newPage();
      const trouble = watchPage(page);
      await signIn(page);
      expect(await page.locator('#collectivite').textContent()).toBe(`SIREN ${mairie.siren}`);
      await fillByKeyboard(page, 'DEL2026_WEB1');
      await sendByKeyboard(page);
      await page.locator('#submit-status', { hasText: 'DEL2026_WEB1 reçu' }).waitFor();
      await page.locator('#detail-title', { hasText: 'Acte DEL2026_WEB1' }).waitFor();

      // The list shows it once projected, and the open detail follows it to the AR as the simulated préfecture answers.
      const link = page.locator('#transmissions tbody a', { hasText: 'DEL2026_WEB1' });
      await link.waitFor({ timeout: 20_000 });
      await link.focus();
      await page.keyboard.press('Enter');
      await page.locator('#detail[data-status="acknowledged"]').waitFor({ state: 'attached', timeout: 60_000 });
      expect(await page.locator('#detail-status').textContent()).toMatch(/Accusé de réception · identifiant @ctes 021-212102313-2026\d{4}-DEL2026_WEB1-DE/);
      expect(await page.locator('#history li').count()).toBeGreaterThanOrEqual(5);

      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#stamped-link')]);
      const path = await download.path();
      const { readFile } = await import('node:fs/promises');
      const bytes = await readFile(path);
      expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');

      // Then she asks for its annulation (6-1), confirms, and sees it cancelled when the préfecture's 6-2 comes.
      page.once('dialog', (dialog) => void dialog.accept());
      await page.focus('#annulation');
      await page.keyboard.press('Enter');
      await page.locator('#annulation-status', { hasText: 'Demande d’annulation envoyée' }).waitFor();
      await page.locator('#detail[data-status="cancelled"]').waitFor({ state: 'attached', timeout: 60_000 });
      expect(await page.locator('#detail-status').textContent()).toContain('Annulé');
      expect(trouble.all()).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
