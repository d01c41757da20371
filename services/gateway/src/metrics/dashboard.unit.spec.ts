import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from '@jest/globals';
import { PROCESS_METRICS_PREFIX } from './gateway-metrics.js';
import { createMetricsRegistry } from './metrics-registry.js';

const repository = (path: string): string => readFileSync(fileURLToPath(new URL(`../../../../${path}`, import.meta.url)), 'utf8');

interface Target {
  readonly refId: string;
  readonly expr: string;
  readonly datasource?: { readonly type: string; readonly uid: string };
}

interface Panel {
  readonly id: number;
  readonly type: string;
  readonly title: string;
  readonly gridPos: { readonly x: number; readonly y: number; readonly w: number; readonly h: number };
  readonly datasource?: { readonly type: string; readonly uid: string };
  readonly targets?: readonly Target[];
}

interface Dashboard {
  readonly uid: string;
  readonly title: string;
  readonly schemaVersion: number;
  readonly templating: { readonly list: readonly { readonly name: string; readonly type: string; readonly query: unknown; readonly current?: { readonly value: string } }[] };
  readonly panels: readonly Panel[];
}

const dashboard = JSON.parse(repository('deploy/grafana/dashboards/relais.json')) as Dashboard;
const panels = dashboard.panels.filter((panel) => panel.type !== 'row');

// The families the gateway exposes, as its registry declares them (never read: the sources are not asked).
const registry = createMetricsRegistry(
  { database: () => Promise.reject(new Error('not read')), jetstream: () => Promise.reject(new Error('not read')) },
  { processPrefix: PROCESS_METRICS_PREFIX, sourceDeadlineMs: 1000, onSourceChange: () => undefined },
);
const families = registry.getMetricsAsArray().map((metric) => ({ name: metric.name, type: String(metric.type) }));
const SAMPLE_SUFFIXES: Readonly<Record<string, readonly string[]>> = { histogram: ['_bucket', '_sum', '_count'], summary: ['', '_sum', '_count'] };
const exposed = new Map(families.flatMap(({ name, type }) => (SAMPLE_SUFFIXES[type] ?? ['']).map((suffix) => [`${name}${suffix}`, name] as const)));

afterAll(() => {
  registry.clear();
});

// PromQL words that are neither functions (always followed by a parenthesis) nor metric names.
const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan']);

/** The metric names a PromQL expression selects (Grafana's $variables put aside). */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/\$\{[^}]*\}|\$[A-Za-z_]+/g, ' ')
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/(?<![\w:])\d[\w.]*/g, ' ');
  return [...bare.matchAll(/([A-Za-z_:][A-Za-z0-9_:]*)\s*(\()?/g)].filter((m) => m[2] === undefined && !KEYWORDS.has(m[1]!.toLowerCase())).map((m) => m[1]!);
}

function balanced(expr: string): boolean {
  const closing: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  const open: string[] = [];
  for (const c of expr.replace(/"(?:[^"\\]|\\.)*"/g, '""')) {
    if ('([{'.includes(c)) open.push(c);
    else if (c in closing && open.pop() !== closing[c]) return false;
  }
  return open.length === 0;
}

describe('the Grafana dashboard (deploy/grafana/dashboards/relais.json)', () => {
  it('is a dashboard Grafana can load: uid, title, schema version, a Prometheus datasource variable, panels laid on the grid without overlap', () => {
    expect(dashboard.uid).toMatch(/^[A-Za-z0-9_-]{1,40}$/);
    expect(dashboard.title.length).toBeGreaterThan(0);
    expect(typeof dashboard.schemaVersion).toBe('number');
    const variable = dashboard.templating.list.find((v) => v.name === 'datasource');
    expect(variable).toEqual(expect.objectContaining({ type: 'datasource', query: 'prometheus' }));
    expect(panels.length).toBeGreaterThanOrEqual(10);
    expect(new Set(dashboard.panels.map((panel) => panel.id)).size).toBe(dashboard.panels.length);
    const cells = new Set<string>();
    for (const { title, gridPos } of dashboard.panels) {
      expect([title, gridPos.x >= 0 && gridPos.y >= 0 && gridPos.w >= 1 && gridPos.h >= 1 && gridPos.x + gridPos.w <= 24]).toEqual([title, true]);
      for (let x = gridPos.x; x < gridPos.x + gridPos.w; x += 1) {
        for (let y = gridPos.y; y < gridPos.y + gridPos.h; y += 1) {
          expect([title, cells.has(`${x},${y}`)]).toEqual([title, false]);
          cells.add(`${x},${y}`);
        }
      }
    }
  });

  it('gives every panel the Prometheus datasource and queries in balanced PromQL, each with its refId', () => {
    const datasource = { type: 'prometheus', uid: '${datasource}' };
    for (const panel of panels) {
      expect([panel.title, panel.datasource]).toEqual([panel.title, datasource]);
      expect([panel.title, (panel.targets ?? []).length > 0]).toEqual([panel.title, true]);
      expect(new Set(panel.targets!.map((target) => target.refId)).size).toBe(panel.targets!.length);
      for (const target of panel.targets!) {
        expect([panel.title, target.datasource, balanced(target.expr), metricNames(target.expr).length > 0]).toEqual([panel.title, datasource, true, true]);
      }
    }
  });

  it('names only metric families the gateway exposes, and shows every Relais family', () => {
    const used = new Set<string>();
    for (const panel of panels) {
      for (const { expr } of panel.targets ?? []) {
        for (const name of metricNames(expr)) {
          expect([panel.title, name, exposed.has(name)]).toEqual([panel.title, name, true]);
          used.add(exposed.get(name)!);
        }
      }
    }
    const relais = families.map((family) => family.name).filter((name) => !name.startsWith(PROCESS_METRICS_PREFIX));
    expect(relais.filter((name) => !used.has(name))).toEqual([]);
    expect(relais).toEqual(expect.arrayContaining(['relais_transmissions_total', 'relais_transmission_latency_seconds', 'relais_dead_letters']));
  });

  it('finds the names the gateway exposes, and only them, in PromQL', () => {
    expect(metricNames('histogram_quantile(0.95, sum by (kind, le) (rate(relais_transmission_latency_seconds_bucket{job="$job", metric="sent"}[$__rate_interval])))')).toEqual([
      'relais_transmission_latency_seconds_bucket',
    ]);
    expect(metricNames('sum(up) / ignoring(job) relais_in_flight offset 5m > bool 1e3')).toEqual(['up', 'relais_in_flight']);
    expect(exposed.has('up')).toBe(false);
    expect(exposed.has('relais_transmission_latency_seconds_bucket')).toBe(true);
    expect(exposed.has('relais_transmission_latency_seconds')).toBe(false);
  });
});

describe('the deploy files agree with each other', () => {
  it('provisions the datasource the dashboard selects, the dashboards where docker-compose mounts them, and the token file Prometheus reads', () => {
    const datasources = repository('deploy/grafana/provisioning/datasources/relais.yml');
    const variable = dashboard.templating.list.find((v) => v.name === 'datasource');
    expect(datasources).toContain(`uid: ${variable?.current?.value ?? '(none)'}`);
    expect(datasources).toMatch(/type: prometheus/);
    const provider = /path: (\S+)/.exec(repository('deploy/grafana/provisioning/dashboards/relais.yml'))?.[1];
    const compose = repository('docker-compose.yml');
    expect(compose).toContain(`./deploy/grafana/dashboards:${provider ?? '(none)'}:ro`);
    const credentials = /credentials_file: (\S+)/.exec(repository('deploy/prometheus/prometheus.yml'))?.[1];
    expect(compose).toContain(`target: ${credentials ?? '(none)'}`);
    expect(repository('deploy/prometheus/prometheus.yml')).toMatch(/metrics_path: \/metrics/);
  });
});
