// The supervisors' dashboard: fetches the statistics' aggregates for the chosen period, draws them, and
// fetches them again whenever the live stream says they moved (at most once a second), without reloading.
import { ApiFailure, getJson, onSessionEnded, serverNow } from './api.js';
import { departementChart, latencyChart, showDepartements, showLatency, showThroughput, throughputChart } from './charts.js';
import { formatInstant, periodOf, RANGES } from './format.js';
import { openHistory, retryTransmission } from './history.js';
import { followLive } from './live.js';
import { showBacklog, showCollectivites, showFailed, showFigures, showReasons, showWindows, tickAges } from './panels.js';

/** Refreshes start at least this far apart, whatever the live stream says. */
const MIN_REFRESH_GAP_MS = 1000;
/** Without any change, the figures are fetched again this often (the period slides, ages grow). */
const QUIET_REFRESH_MS = 30_000;
const WINDOWS_SPAN_MS = 24 * 3_600_000;

const state = {
  range: RANGES.find((r) => r.key === (localStorage.getItem('relais.range') ?? '24h')) ?? RANGES[1],
  kind: localStorage.getItem('relais.kind') ?? '',
  generation: 0,
  ended: false,
};

const charts = {
  throughput: throughputChart(document.getElementById('throughput-chart')),
  latency: latencyChart(document.getElementById('latency-chart')),
  departements: departementChart(document.getElementById('departement-chart')),
};

const banner = document.getElementById('banner');
const live = document.getElementById('live');
const liveText = document.getElementById('live-text');
const asOf = document.getElementById('as-of');

function setLive(liveState) {
  live.dataset.state = liveState;
  liveText.textContent = { live: 'Live', reconnecting: 'Reconnecting…', ended: 'Signed out', connecting: 'Connecting…' }[liveState] ?? liveState;
}

function sessionEnded(reason) {
  if (state.ended) return;
  state.ended = true;
  stream.stop();
  setLive('ended');
  const link = document.createElement('a');
  link.href = '/signin?next=/dashboard';
  link.textContent = 'Sign in again';
  const text = document.createElement('span');
  text.textContent = `Your session has ended (${reason}). The figures below are no longer updated. `;
  banner.replaceChildren(text, link);
  banner.dataset.tone = 'ended';
  banner.hidden = false;
}

onSessionEnded((failure) => sessionEnded(failure.message));

function pressed(container, attribute, value) {
  for (const button of container.querySelectorAll(`button[${attribute}]`)) button.setAttribute('aria-pressed', String(button.getAttribute(attribute) === value));
}

/** Marks a panel as failing (or not), keeping what it showed. */
function panelProblem(elementId, error) {
  const panel = document.getElementById(elementId)?.closest('.panel');
  if (!panel) return;
  panel.querySelector('.problem')?.remove();
  panel.classList.toggle('error', error !== null);
  if (error !== null) {
    const p = document.createElement('p');
    p.className = 'problem';
    p.textContent = error instanceof ApiFailure ? `${error.code}: ${error.message}` : 'Could not load this panel.';
    panel.append(p);
  }
}

function openItem(id) {
  void openHistory(id, () => requestRefresh());
}

function retryItem(id, label, button, result) {
  return retryTransmission(id, label, button, result, () => requestRefresh());
}

/** Fetches every aggregate of the period and draws it; panels fail one by one, never the page. */
async function refresh() {
  const generation = ++state.generation;
  const now = serverNow();
  const { from, to, bucket } = periodOf(state.range, now);
  const kind = state.kind || undefined;
  const current = () => generation === state.generation;
  const task = (elementId, load, show) =>
    load().then(
      (data) => {
        if (!current()) return;
        show(data);
        panelProblem(elementId, null);
      },
      (error) => {
        // Past the token's rate (several pages open on one token): the next refresh waits as told.
        if (error instanceof ApiFailure && error.status === 429) backOff((error.retryAfterSeconds ?? 1) * 1000);
        if (current() && !(error instanceof ApiFailure && error.status === 401)) panelProblem(elementId, error);
      },
    );
  document.getElementById('throughput-note').textContent = `${state.range.label}, per ${bucket}`;
  await Promise.all([
    task(
      'figures',
      () => getJson('/api/v1/stats/summary', { from, to, kind }),
      (summary) => {
        showFigures(document.getElementById('figures'), summary);
        asOf.textContent = summary.asOf ? `data as of ${formatInstant(summary.asOf)}` : 'no data yet';
      },
    ),
    task(
      'throughput-chart',
      () => getJson('/api/v1/stats/series', { from, to, bucket, kind }),
      (series) => {
        showThroughput(charts.throughput, series);
        showLatency(charts.latency, series);
      },
    ),
    task(
      'stages',
      () => getJson('/api/v1/stats/backlog', { limit: 10 }),
      (backlog) => {
        const at = serverNow();
        showBacklog(backlog, at, openItem);
        showFailed(backlog, at, openItem, retryItem);
      },
    ),
    task(
      'departement-chart',
      () => getJson('/api/v1/stats/breakdown', { by: 'departement', from, to, kind, limit: 25 }),
      (breakdown) => {
        document.getElementById('departement-empty').hidden = showDepartements(charts.departements, breakdown) > 0;
      },
    ),
    task('collectivites', () => getJson('/api/v1/stats/breakdown', { by: 'siren', from, to, kind, limit: 10 }), showCollectivites),
    task('reasons', () => getJson('/api/v1/stats/reasons', { from, to, kind, limit: 8 }), showReasons),
    task(
      'windows',
      () => getJson('/api/v1/stats/windows', { from: new Date(Math.max(from.getTime(), to.getTime() - WINDOWS_SPAN_MS)), to }),
      (windows) => {
        showWindows(windows);
        document.getElementById('windows-note').textContent = state.range.ms > WINDOWS_SPAN_MS ? 'last 24 hours' : state.range.label;
      },
    ),
  ]);
  if (current()) {
    document.body.dataset.refreshed = String(Number(document.body.dataset.refreshed ?? '0') + 1);
    // Every panel has drawn its first data: what the benchmark of the page's load waits for.
    document.documentElement.dataset.ready = 'true';
  }
}

// At most one refresh at a time, starts at least MIN_REFRESH_GAP_MS apart; asks made meanwhile fold into one.
let running = null;
let again = false;
let timer = null;
let lastStart = 0;
let quietTimer = null;

/** Pushes the next refresh back by `ms`. */
function backOff(ms) {
  lastStart = Math.max(lastStart, Date.now() + ms);
}

function requestRefresh() {
  if (state.ended) return;
  if (running) {
    again = true;
    return;
  }
  if (timer !== null) return;
  timer = setTimeout(runRefresh, Math.max(0, lastStart + MIN_REFRESH_GAP_MS - Date.now()));
}

async function runRefresh() {
  timer = null;
  lastStart = Date.now();
  clearTimeout(quietTimer);
  running = refresh();
  try {
    await running;
  } finally {
    running = null;
    quietTimer = setTimeout(requestRefresh, QUIET_REFRESH_MS);
    if (again) {
      again = false;
      requestRefresh();
    }
  }
}

function choose() {
  pressed(document.getElementById('ranges'), 'data-range', state.range.key);
  pressed(document.getElementById('kinds'), 'data-kind', state.kind);
  // A new period: what is in flight answers for the old one and is dropped.
  state.generation += 1;
  requestRefresh();
}

document.getElementById('ranges').addEventListener('click', (event) => {
  const key = event.target.closest('button[data-range]')?.dataset.range;
  const range = RANGES.find((r) => r.key === key);
  if (!range || range === state.range) return;
  state.range = range;
  localStorage.setItem('relais.range', range.key);
  choose();
});

document.getElementById('kinds').addEventListener('click', (event) => {
  const button = event.target.closest('button[data-kind]');
  if (!button || button.dataset.kind === state.kind) return;
  state.kind = button.dataset.kind;
  localStorage.setItem('relais.kind', state.kind);
  choose();
});

document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible') requestRefresh();
});

setInterval(() => tickAges(document, serverNow()), 1000);

const stream = followLive({
  onChange: requestRefresh,
  onState: (s) => {
    if (!state.ended) setLive(s);
  },
  onSignedOut: () => sessionEnded('signed out, or its token was revoked'),
});

choose();
