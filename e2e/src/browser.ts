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
