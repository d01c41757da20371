import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Injectable } from '@nestjs/common';

/** The folder of the pages' files (`services/gateway/web/`), from `src/web/` and from `dist/web/` alike. */
const WEB_ROOT = fileURLToPath(new URL('../../web/', import.meta.url));

/** Chart.js's browser build, from the installed package (never a CDN). Its `exports` hide `dist/`, so found beside its entry. */
const CHART_JS = join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.js');

const JS = 'text/javascript; charset=utf-8';

/** Every file the pages may load, by the name they are served under. Nothing else is served. */
const FILES: Readonly<Record<string, { readonly path: string; readonly type: string }>> = {
  'relais.css': { path: join(WEB_ROOT, 'relais.css'), type: 'text/css; charset=utf-8' },
  'dashboard.js': { path: join(WEB_ROOT, 'dashboard.js'), type: JS },
  'audit.js': { path: join(WEB_ROOT, 'audit.js'), type: JS },
  'app.js': { path: join(WEB_ROOT, 'app.js'), type: JS },
  'app-detail.js': { path: join(WEB_ROOT, 'app-detail.js'), type: JS },
  'app-people.js': { path: join(WEB_ROOT, 'app-people.js'), type: JS },
  'app-notices.js': { path: join(WEB_ROOT, 'app-notices.js'), type: JS },
  'upload.js': { path: join(WEB_ROOT, 'upload.js'), type: JS },
  'api.js': { path: join(WEB_ROOT, 'api.js'), type: JS },
  'format.js': { path: join(WEB_ROOT, 'format.js'), type: JS },
  'charts.js': { path: join(WEB_ROOT, 'charts.js'), type: JS },
  'panels.js': { path: join(WEB_ROOT, 'panels.js'), type: JS },
  'history.js': { path: join(WEB_ROOT, 'history.js'), type: JS },
  'live.js': { path: join(WEB_ROOT, 'live.js'), type: JS },
  'favicon.svg': { path: join(WEB_ROOT, 'favicon.svg'), type: 'image/svg+xml' },
  'chart.umd.js': { path: CHART_JS, type: JS },
  'chart.umd.js.map': { path: `${CHART_JS}.map`, type: 'application/json' },
};

/** A file ready to send: its bytes, type and entity tag. */
export interface Asset {
  readonly body: Buffer;
  readonly type: string;
  readonly etag: string;
}

/** The pages' templates: `{{role}}` is where the signed-in role goes. */
const PAGES = {
  dashboard: join(WEB_ROOT, 'dashboard.html'),
  audit: join(WEB_ROOT, 'audit.html'),
  app: join(WEB_ROOT, 'app.html'),
} as const;

/** A page served from a template. */
export type WebPage = keyof typeof PAGES;

/** Reads the pages' files once, on first use, and keeps them: they change only with a new release. */
@Injectable()
export class WebAssets {
  private readonly loaded = new Map<string, Promise<Asset>>();
  private readonly templates = new Map<WebPage, Promise<string>>();

  /** The file served as `name`, or undefined when there is none. */
  get(name: string): Promise<Asset> | undefined {
    const file = Object.hasOwn(FILES, name) ? FILES[name] : undefined;
    if (file === undefined) return undefined;
    let asset = this.loaded.get(name);
    if (asset === undefined) {
      asset = readFile(file.path).then((body) => ({ body, type: file.type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` }));
      // A failed read is tried again next time rather than remembered.
      asset.catch(() => this.loaded.delete(name));
      this.loaded.set(name, asset);
    }
    return asset;
  }

  /** The HTML of `page` for a signed-in `role`. */
  async page(page: WebPage, role: string): Promise<string> {
    let template = this.templates.get(page);
    if (template === undefined) {
      template = readFile(PAGES[page], 'utf8');
      template.catch(() => this.templates.delete(page));
      this.templates.set(page, template);
    }
    return (await template).replaceAll('{{role}}', role.replace(/[^a-z]/g, ''));
  }
}
