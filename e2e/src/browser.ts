import { existsSync } from 'node:fs';
import { chromium, type Browser, type ConsoleMessage, type Page, type Request, type Response } from 'playwright-core';

/** Debian's Chromium, which `.ci/run` installs when missing (never `npx playwright install`). */
export const CHROMIUM = process.env['RELAIS_CHROMIUM'] ?? '/usr/bin/chromium';

/** Why the browser tests cannot run here, or undefined when they can. */
export function browserMissing(): string | undefined {
  return existsSync(CHROMIUM) ? undefined : `no Chromium at ${CHROMIUM} (apt-get install chromium)`;
}

/** Chromium headless, quiet: no sandbox (containers), no GPU, no QUIC, no phoning home. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** What went wrong in a page: console errors, uncaught exceptions, failed requests and error answers. */
export interface PageTrouble {
  readonly consoleErrors: string[];
  readonly pageErrors: string[];
  readonly failedRequests: string[];
  readonly errorResponses: string[];
  /** Everything above, in one list. */
  all(): string[];
}

/** Starts recording what goes wrong in `page`. */
export function watchPage(page: Page): PageTrouble {
  const trouble = {
    consoleErrors: [] as string[],
    pageErrors: [] as string[],
    failedRequests: [] as string[],
    errorResponses: [] as string[],
    all(): string[] {
      return [...this.consoleErrors, ...this.pageErrors, ...this.failedRequests, ...this.errorResponses];
    },
  };
  page.on('console', (message: ConsoleMessage) => {
    if (message.type() === 'error') trouble.consoleErrors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error: Error) => trouble.pageErrors.push(`page error: ${error.message}`));
  page.on('requestfailed', (request: Request) => trouble.failedRequests.push(`failed: ${request.method()} ${request.url()} ${request.failure()?.errorText ?? ''}`));
  page.on('response', (response: Response) => {
    if (response.status() >= 400) trouble.errorResponses.push(`answered ${response.status().toString()}: ${response.request().method()} ${response.url()}`);
  });
  return trouble;
}

/** One element of a page that fails a check of {@link accessibilityFaults}. */
export interface AccessibilityFault {
  readonly rule: 'label' | 'contrast';
  readonly element: string;
  readonly detail: string;
}

/** The checks, run in the page (as text: the e2e project compiles without the DOM's types). */
const ACCESSIBILITY_CHECK = String.raw`(() => {
  const faults = [];
  const describe = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (typeof el.className === 'string' && el.className ? '.' + el.className.split(' ').join('.') : '');
  const visible = (el) => {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    return box.width > 0 && box.height > 0 && style.visibility !== 'hidden' && style.display !== 'none' && el.closest('[hidden]') === null;
  };
  const rgba = (text) => {
    const m = /rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)/.exec(text);
    return m === null ? [0, 0, 0, 1] : [Number(m[1]), Number(m[2]), Number(m[3]), m[4] === undefined ? 1 : Number(m[4])];
  };
  const luminance = ([r, g, b]) => {
    const channel = (c) => {
      const s = c / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  };
  const background = (el) => {
    for (let at = el; at !== null; at = at.parentElement) {
      const colour = rgba(getComputedStyle(at).backgroundColor);
      if (colour[3] >= 0.99) return colour;
    }
    return [255, 255, 255, 1];
  };
  for (const control of document.querySelectorAll('input:not([type="hidden"]), select, textarea, button')) {
    if (!visible(control)) continue;
    const named = (control.labels && control.labels.length > 0) || control.getAttribute('aria-label') || control.getAttribute('aria-labelledby') ||
      (control.tagName === 'BUTTON' && (control.textContent || '').trim() !== '');
    if (!named) faults.push({ rule: 'label', element: describe(control), detail: 'no accessible name' });
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
    const el = node.parentElement;
    if (el === null || seen.has(el) || (node.textContent || '').trim() === '' || !visible(el)) continue;
    seen.add(el);
    const style = getComputedStyle(el);
    const fg = rgba(style.color);
    const bg = background(el);
    const blended = [0, 1, 2].map((i) => fg[i] * fg[3] + bg[i] * (1 - fg[3]));
    const [light, dark] = [luminance(blended), luminance(bg)].sort((a, b) => b - a);
    const ratio = (light + 0.05) / (dark + 0.05);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    if (ratio < (large ? 3 : 4.5)) faults.push({ rule: 'contrast', element: describe(el), detail: ratio.toFixed(2) + ':1 for "' + (node.textContent || '').trim().slice(0, 40) + '"' });
  }
  return faults;
})()`;

/**
 * The WCAG 2.1 AA faults of what `page` shows now that can be judged from the page itself: a visible
 * form control with no accessible name (a `<label>`, `aria-label`, `aria-labelledby`, or a button's
 * text), and visible text whose contrast with the background behind it is below 4.5:1 (3:1 for large
 * text: 24 px, or 18.66 px bold). Colours are read as computed; a translucent text colour is blended
 * over the first opaque background found walking up.
 */
export function accessibilityFaults(page: Page): Promise<AccessibilityFault[]> {
  return page.evaluate<AccessibilityFault[]>(ACCESSIBILITY_CHECK);
}
