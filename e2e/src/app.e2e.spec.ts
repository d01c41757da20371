import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { buildActeArchive } from '@relais/actes';
import { pesAllerBuffer, pesAllerShapes, PES_SAMPLE } from '@relais/pes/testing';
import { minimalPdf } from '@relais/testing';
import type { Browser, Page } from 'playwright-core';
import { accessibilityFaults, browserMissing, launchChromium, watchPage } from './browser.js';
import { acteMetadata, Client, type TestCollectivite, type TransmissionBody } from './client.js';
import { eventually, startPlatform, type Platform } from './platform.js';

/*
 * Issue 10 in a real browser: a secrétaire de mairie signs in with her collectivité's token in Debian's
 * Chromium, submits an acte with an annex from the French form with the keyboard alone, follows it to
 * the préfecture's AR (the State simulator answers), downloads the stamped acte and has it cancelled; a bad numéro
 * interne is refused next to its field before anything is sent. She answers a préfecture's demande de
 * pièces complémentaires (3-1) with the pièces (3-4); imports an @ctes archive; posts a PES file and
 * reads Hélios's verdict per bordereau. Her collectivité's administrator adds a user, issues them a
 * token and revokes it, and the revoked token is refused at once.
 */
const missing = browserMissing();
if (missing !== undefined) console.warn(`app.e2e skipped: ${missing}`);
const describeWithBrowser = missing === undefined ? describe : describe.skip;

let platform: Platform | undefined;
let browser: Browser | undefined;
let mairie: TestCollectivite;
let client: Client;

beforeAll(async () => {
  if (missing !== undefined) return;
  platform = await startPlatform();
  await platform.waitUntilReady(90_000);
  client = new Client(platform);
  mairie = await client.collectivite('212102313', '021', '1');
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
async function signIn(page: Page, token = mairie.token): Promise<void> {
  await page.goto(`${running().platform.gatewayUrl}/signin`);
  await page.fill('input[name="token"]', token);
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
      expect(await accessibilityFaults(page)).toEqual([]);
      // The check sees what it looks for: pale text and a control with no name, added to the page.
      await page.evaluate(`(() => {
        const pale = document.createElement('p');
        pale.textContent = 'Texte trop pâle';
        pale.style.color = '#bbbbbb';
        const unnamed = document.createElement('input');
        document.querySelector('main').prepend(pale, unnamed);
      })()`);
      expect((await accessibilityFaults(page)).map((fault) => fault.rule).sort()).toEqual(['contrast', 'label']);
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

/** Waits until the transmission `id` has one of `statuses`. */
function reaches(token: string, id: string, statuses: readonly string[]): Promise<TransmissionBody> {
  return eventually(`${id} in ${statuses.join(' or ')}`, async () => {
    const t = await client.transmission(token, id);
    return statuses.includes(t.status) && t;
  }, 60_000);
}

/** Opens a transmission's page from the list, as a user clicks its reference. */
async function openFromList(page: Page, reference: string): Promise<void> {
  const link = page.locator('#transmissions tbody a', { hasText: reference });
  await link.waitFor({ timeout: 20_000 });
  await link.click();
  await page.locator('#detail-title', { hasText: reference }).waitFor();
}

describeWithBrowser('the collectivités’ web app, beyond the acte form', () => {
  it('answers a préfecture’s demande de pièces complémentaires (3-1) with the pièces (3-4), and sees the préfecture receive them', async () => {
    const submitted = await client.submitActe(mairie.token, acteMetadata('DEL2026_WEB3'));
    expect(submitted.status).toBe(202);
    const { id } = (await submitted.json()) as { id: string };
    const acknowledged = await reaches(mairie.token, id, ['acknowledged']);
    const idActe = acknowledged.acte?.idActe as string;
    const letter = await fetch(`${running().platform.simUrl}/sim/actes/${idActe}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: '3-1', text: 'Merci de transmettre le plan de financement.' }),
    });
    expect(letter.status).toBe(201);

    const context = await running().browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'fr-FR' });
    try {
      const page = await context.newPage();
      const trouble = watchPage(page);
      await signIn(page);
      await openFromList(page, 'DEL2026_WEB3');
      const exchange = page.locator('.exchange[data-code="3-1"]');
      await exchange.waitFor({ timeout: 30_000 });
      expect(await exchange.locator('h4').textContent()).toContain('Demande de pièces complémentaires (3-1)');
      expect(await exchange.locator('.letter-text').textContent()).toBe('Merci de transmettre le plan de financement.');
      // The platform's own receipt (3-2) is shown, and the form still offers the collectivité's answers.
      await exchange.locator('.replies li[data-code="3-2"]').waitFor({ timeout: 30_000 });
      const options = await page.locator('#reply-1-code option').evaluateAll((all) => all.map((o) => (o as unknown as { value: string }).value));
      expect(options).toEqual(['3-4', '3-3']);
      // Every control named, every text readable (WCAG AA contrast), the letter and its form included.
      expect(await accessibilityFaults(page)).toEqual([]);

      // Sent without its document: refused under the field, nothing posted.
      let posted = 0;
      page.on('request', (request) => {
        if (request.method() === 'POST' && request.url().includes('/replies')) posted++;
      });
      await page.focus('#reply-1-documents');
      await page.keyboard.press('Tab'); // to the send button
      await page.keyboard.press('Enter');
      await page.locator('#reply-1-documents-error', { hasText: 'Joignez le document' }).waitFor();
      expect(posted).toBe(0);

      await page.setInputFiles('#reply-1-documents', [
        { name: 'plan-financement.pdf', mimeType: 'application/pdf', buffer: Buffer.from(minimalPdf('Plan de financement', 4_000)) },
        { name: 'devis.pdf', mimeType: 'application/pdf', buffer: Buffer.from(minimalPdf('Devis', 3_000)) },
      ]);
      await page.focus('#reply-1-documents');
      await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
      await exchange.locator('.replies li[data-code="3-4"]').waitFor({ timeout: 20_000 });
      expect(posted).toBe(1);
      // Sent, then received by the simulated préfecture (3-5); the form is gone once answered.
      await exchange.locator('p', { hasText: 'Réponse reçue par la préfecture' }).waitFor({ timeout: 60_000 });
      expect(await exchange.locator('.replies li[data-code="3-4"]').textContent()).toMatch(/envoyée le .*plan-financement\.pdf.*devis\.pdf/);
      expect(await page.locator('#reply-1-code').count()).toBe(0);
      expect(trouble.all()).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('imports an @ctes archive and posts a PES file from the page; a file of the wrong kind is refused under its field; Hélios’s refusals show per bordereau', async () => {
    const siren = PES_SAMPLE.siret.slice(0, 9);
    const admin = running().platform.adminToken;
    await client.json('POST', '/api/v1/admin/collectivites', admin, {
      siren,
      nom: 'Commune au budget',
      departement: '034',
      arrondissement: '1',
      nature: '31',
      helios: [{ idPost: PES_SAMPLE.idPost, codCol: PES_SAMPLE.codCol, codBud: PES_SAMPLE.codBud, siret: PES_SAMPLE.siret }],
    }, 201);
    const { token } = await client.json<{ token: string }>('POST', '/api/v1/admin/tokens', admin, { role: 'collectivite', siren }, 201);
    const archive = await buildActeArchive({
      operatorTrigram: 'SLO',
      sequence: 1,
      dateEnvoi: '2026-01-06',
      collectivite: { siren, departement: '034', arrondissement: '1', nature: '31' },
      adressesRetour: ['actes@commune.example.org'],
      acte: {
        dateDecision: '2026-01-05',
        numeroInterne: 'ARR2026_IMPORT',
        nature: 2,
        classification: '7.1',
        objet: 'Arrêté portant réglementation du stationnement',
        classificationDateVersion: '2020-01-01',
        documentPapier: false,
        document: { extension: 'pdf', codeTypePJ: '99_AR', content: minimalPdf('Arrêté importé', 6_000) },
        annexes: [],
      },
    });

    const context = await running().browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'fr-FR' });
    try {
      const page = await context.newPage();
      const trouble = watchPage(page);
      await signIn(page, token);
      let posted = 0;
      page.on('request', (request) => {
        if (request.method() === 'POST' && /\/api\/v1\/(actes\/archive|pes)$/.test(request.url())) posted++;
      });

      await page.setInputFiles('#archive', { name: 'acte.pdf', mimeType: 'application/pdf', buffer: Buffer.from(minimalPdf('pas une archive')) });
      await page.click('#archive-send');
      await page.locator('#archive-error', { hasText: 'fichier .tar.gz' }).waitFor();
      expect(await accessibilityFaults(page)).toEqual([]);
      expect(await page.getAttribute('#archive', 'aria-invalid')).toBe('true');
      expect(posted).toBe(0);

      await page.setInputFiles('#archive', { name: archive.name, mimeType: 'application/gzip', buffer: archive.bytes });
      await page.click('#archive-send');
      await page.locator('#archive-status', { hasText: `${archive.name} reçu` }).waitFor();
      await page.locator('#detail-title', { hasText: 'Acte ARR2026_IMPORT' }).waitFor();
      await page.locator('#detail[data-status="acknowledged"]').waitFor({ state: 'attached', timeout: 60_000 });
      expect(await page.locator('#detail-status').textContent()).toContain('034-' + siren);

      // Hélios refuses part of the next file: the page names each bordereau and PJ with its verdict.
      await client.simConfig({ pesPartialRate: 1 });
      try {
        const nomFic = 'PES_WEB_0001.xml';
        const bytes = await pesAllerBuffer({ ...pesAllerShapes.mixed(), nomFic });
        await page.setInputFiles('#pes', { name: nomFic, mimeType: 'application/xml', buffer: bytes });
        await page.click('#pes-send');
        await page.locator('#pes-status', { hasText: `${nomFic} reçu` }).waitFor();
        await page.locator('#detail-title', { hasText: `Flux PES ${nomFic}` }).waitFor();
        await page.locator('#detail[data-status="partially_accepted"]').waitFor({ state: 'attached', timeout: 60_000 });
      } finally {
        await client.simConfig({ pesPartialRate: 0 });
      }
      const rows = page.locator('#outcomes tbody tr');
      await rows.first().waitFor();
      expect(await rows.count()).toBe(5);
      const refused = page.locator('#outcomes tbody tr[data-accepted="false"]');
      expect(await refused.count()).toBeGreaterThan(0);
      expect(await refused.first().textContent()).toMatch(/(Bordereau n° \S+ \(exercice \d{4}\)|Pièce justificative \S+)Refusé.+\([A-Z][A-Z_.0-9]+\)/);
      expect(await page.locator('#outcomes tbody tr', { hasText: /Bordereau n°/ }).count()).toBe(3);
      expect(await accessibilityFaults(page)).toEqual([]);
      expect(posted).toBe(2);
      expect(trouble.all()).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('shows a group administrator of an EPCI the transmissions of its member communes, each with its SIREN, and filters by member', async () => {
    const admin = running().platform.adminToken;
    const epci = await client.collectivite('200071041', '021', '1');
    const submitted = await client.submitActe(mairie.token, acteMetadata('DEL2026_WEB4'));
    expect(submitted.status).toBe(202);
    const own = await client.submitActe(epci.token, acteMetadata('DEL2026_EPCI1'));
    expect(own.status).toBe(202);
    const group = await client.json<{ id: string }>('POST', '/api/v1/admin/groups', admin, { name: 'Communauté de communes', sirens: [mairie.siren] }, 201);
    const user = await client.json<{ id: string }>('POST', '/api/v1/admin/users', admin, {
      email: 'instructeur@cc.example.org',
      name: 'Instructeur de la communauté',
      role: 'collectivite',
      siren: epci.siren,
      groupId: group.id,
    }, 201);
    const { token } = await client.json<{ token: string }>('POST', `/api/v1/admin/users/${user.id}/tokens`, admin, {}, 201);

    const context = await running().browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'fr-FR' });
    try {
      const page = await context.newPage();
      const trouble = watchPage(page);
      await signIn(page, token);
      await page.locator('#siren-filter-label').waitFor();
      const member = page.locator('#transmissions tbody tr', { hasText: 'DEL2026_WEB4' });
      await member.waitFor({ timeout: 20_000 });
      expect(await member.textContent()).toContain(mairie.siren);
      await page.locator('#transmissions tbody tr', { hasText: 'DEL2026_EPCI1' }).waitFor({ timeout: 20_000 });

      await page.selectOption('#siren-filter', mairie.siren);
      await page.locator('#transmissions tbody tr', { hasText: 'DEL2026_EPCI1' }).waitFor({ state: 'detached' });
      const sirens = await page.locator('#transmissions tbody td:nth-child(2)').allTextContents();
      expect(sirens.length).toBeGreaterThan(0);
      expect(new Set(sirens)).toEqual(new Set([mairie.siren]));
      // The member's acte opens with its history; answering or cancelling stays the commune's own.
      await openFromList(page, 'DEL2026_WEB4');
      expect(await accessibilityFaults(page)).toEqual([]);
      expect(trouble.all()).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('lets a collectivité’s administrator add a user, issue them a token and revoke it (refused at once), and choose her own e-mail notices', async () => {
    const admin = running().platform.adminToken;
    const head = await client.json<{ id: string }>('POST', '/api/v1/admin/users', admin, {
      email: 'dgs@mairie-212102313.example.org',
      name: 'Directrice générale des services',
      role: 'collectivite',
      siren: mairie.siren,
      collectiviteAdmin: true,
    }, 201);
    const { token } = await client.json<{ token: string }>('POST', `/api/v1/admin/users/${head.id}/tokens`, admin, { label: 'Navigateur de la DGS' }, 201);

    const context = await running().browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'fr-FR' });
    try {
      const page = await context.newPage();
      const trouble = watchPage(page);
      page.on('dialog', (dialog) => void dialog.accept());
      await signIn(page, token);
      await page.locator('#people').waitFor();
      await page.locator('#users tbody tr[data-email="dgs@mairie-212102313.example.org"]').waitFor();

      // A bad address is refused next to its field.
      await page.fill('#user-email', 'pas-une-adresse');
      await page.fill('#user-name', 'Agent d’accueil');
      await page.click('#user-form button[type="submit"]');
      await page.locator('#user-email-error', { hasText: 'adresse électronique valide' }).waitFor();
      expect(await accessibilityFaults(page)).toEqual([]);

      await page.fill('#user-email', 'accueil@mairie-212102313.example.org');
      await page.click('#user-form button[type="submit"]');
      const row = page.locator('#users tbody tr[data-email="accueil@mairie-212102313.example.org"]');
      await row.waitFor();
      expect(await row.textContent()).toContain('Agent');

      await row.locator('button', { hasText: 'Nouveau jeton' }).click();
      const shown = page.locator('#new-token');
      await shown.waitFor();
      const issued = /(rls_\S+)$/.exec((await shown.textContent()) ?? '')?.[1];
      expect(issued).toBeDefined();
      const me = await client.call('GET', '/api/v1/tokens/current', issued);
      expect(me.status).toBe(200);
      const { id } = (await me.json()) as { id: string };

      const tokenRow = page.locator(`#tokens tbody tr[data-id="${id}"]`);
      await tokenRow.waitFor();
      expect(await tokenRow.textContent()).toContain('Agent d’accueil');
      await tokenRow.locator('button', { hasText: 'Révoquer' }).click();
      await page.locator(`#tokens tbody tr[data-id="${id}"][data-state="revoked"]`).waitFor();
      // Refused at once: no cache in front of the revocation.
      const after = await client.call('GET', '/api/v1/tokens/current', issued);
      expect(after.status).toBe(401);

      // Her own e-mail notices: the AR and the préfecture's letters asking something of the collectivité.
      await page.locator('#notices').waitFor();
      expect(await page.locator('#notices-email').textContent()).toBe('dgs@mairie-212102313.example.org');
      for (const value of ['acknowledged', 'failed']) await page.check(`#notices-statuses input[value="${value}"]`);
      for (const value of ['3-1', '4-1']) await page.check(`#notices-messages input[value="${value}"]`);
      await page.focus('#notices-save');
      await page.keyboard.press('Enter');
      await page.locator('#notices-status', { hasText: 'Enregistré : 4 avis par courriel' }).waitFor();
      const saved = await client.json<{ statuses: string[]; messageTypes: string[] }>('GET', '/api/v1/users/me/notices', token);
      expect({ statuses: [...saved.statuses].sort(), messageTypes: [...saved.messageTypes].sort() }).toEqual({ statuses: ['acknowledged', 'failed'], messageTypes: ['3-1', '4-1'] });
      expect(await accessibilityFaults(page)).toEqual([]);
      expect(trouble.all()).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
