// The auditors' page: searches transmissions, shows one's whole history from the log with each event's
// hash, its predecessor's and the chain recomputed by the server, the transmission as it stood at a
// chosen moment, and verifies the whole log. Every call rides on the page's session.
import { ApiFailure, getJson, onSessionEnded } from './api.js';
import { eventLabel, formatCount, formatInstant, statusLabel } from './format.js';
import { el } from './panels.js';

const PAGE_SIZE = 25;
const $ = (id) => document.getElementById(id);
const form = $('search');
const resultsBody = document.querySelector('#results tbody');
const more = $('more');
const detail = $('detail');
const travelInput = $('travel-at');
const travelResult = $('travel-result');
const banner = $('banner');

const state = { query: {}, next: undefined, searchGeneration: 0, shown: null, travelGeneration: 0, events: [] };

const describe = (error) => (error instanceof ApiFailure ? `${error.code}: ${error.message}` : String(error));

onSessionEnded((failure) => {
  const link = el('a', { href: `/signin?next=${encodeURIComponent(`${location.pathname}${location.search}`)}`, text: 'Sign in again' });
  banner.replaceChildren(el('span', { text: `Your session has ended (${failure.message}). ` }), link);
  banner.dataset.tone = 'ended';
  banner.hidden = false;
});

if ($('role').textContent.trim() === 'admin') $('to-dashboard').hidden = false;

/** `2026-03-01T09:30` (the browser's time, as a datetime-local field holds it) → ISO 8601 UTC, or undefined. */
function isoOfLocal(value) {
  if (!value) return undefined;
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? undefined : at.toISOString();
}

/** An instant as a datetime-local field with milliseconds holds it, in the browser's time. */
function localOfIso(iso) {
  const at = new Date(iso);
  const pad = (n, width = 2) => String(n).padStart(width, '0');
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}.${pad(at.getMilliseconds(), 3)}`;
}

/** A hash shortened for reading, the whole of it in the title and in `data-hash`. */
function hashCell(hex) {
  return el('code', { class: 'hash', title: hex, 'data-hash': hex, text: `${hex.slice(0, 10)}…${hex.slice(-6)}` });
}

/** The event's type without its wire namespace: `relais.transmission.v1.TransmissionSent` → `TransmissionSent`. */
const shortType = (type) => String(type).replace(/^([a-z0-9_]+\.)+/, '');

const GIST_KEYS = ['siren', 'numeroInterne', 'objet', 'nomFic', 'idPost', 'endpointId', 'channel', 'fileName', 'attempt', 'attempts', 'idActe', 'dateReception', 'code', 'reasonCode', 'reason', 'detail', 'until', 'requestedBy', 'exchange'];

/** The facts of a payload an auditor looks for first, in one line; the whole payload sits below it. */
function gist(data) {
  const found = new Map();
  const walk = (value, depth) => {
    if (value === null || typeof value !== 'object' || depth > 3) return;
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'errors' && Array.isArray(inner) && inner.length > 0) found.set('errors', inner.map((e) => e?.code ?? '?').join(', '));
      else if (GIST_KEYS.includes(key) && (typeof inner === 'string' || typeof inner === 'number') && !found.has(key)) {
        const text = String(inner);
        found.set(key, text.length > 80 ? `${text.slice(0, 79)}…` : text);
      } else walk(inner, depth + 1);
    }
  };
  walk(data, 0);
  return [...found].map(([key, value]) => `${key} ${value}`).join(' · ');
}

function badge(status) {
  return el('span', { class: 'badge', 'data-status': status, text: statusLabel(status) });
}

/** What a transmission is and where it stands, as a list of facts. */
function facts(t) {
  const rows = [
    ['Status', badge(t.status)],
    ['Kind', t.kind],
    ['Collectivité', t.siren],
    ['Received', el('time', { dateTime: t.createdAt, title: t.createdAt, text: formatInstant(t.createdAt) })],
    ['Last change', el('time', { dateTime: t.updatedAt, title: t.updatedAt, text: formatInstant(t.updatedAt) })],
  ];
  if (t.acte) {
    rows.push(['Numéro interne', t.acte.numeroInterne], ['Nature', String(t.acte.nature)], ['Classification', t.acte.classification], ['Objet', t.acte.objet]);
    if (t.acte.idActe) rows.push(['IDActe', t.acte.idActe]);
  }
  if (t.pes) rows.push(['PES file', t.pes.nomFic], ['CodCol / IdPost', `${t.pes.codCol} / ${t.pes.idPost}`]);
  if (t.acknowledgment?.at) rows.push(['Acknowledged', el('time', { dateTime: t.acknowledgment.at, title: t.acknowledgment.at, text: formatInstant(t.acknowledgment.at) })]);
  if (t.errors?.length) rows.push(['Errors', el('ul', { class: 'errors-list' }, ...t.errors.map((e) => el('li', {}, el('code', { text: e.code }), ` ${e.message}`)))]);
  rows.push(['Id', el('code', { text: t.id })]);
  return el('dl', { class: 'facts-grid', 'data-status': t.status }, ...rows.flatMap(([name, value]) => [el('dt', { text: name }), el('dd', {}, value)]));
}

function resultRow(t) {
  const row = el(
    'tr',
    { class: 'clickable', tabindex: 0, 'data-transmission': t.id, 'aria-label': `Open ${t.acte?.numeroInterne ?? t.pes?.nomFic ?? t.id}` },
    el('td', {}, el('span', { class: 'label', text: t.acte?.numeroInterne ?? t.pes?.nomFic ?? '–' }), el('span', { class: 'id', text: t.id })),
    el('td', { text: t.siren }),
    el('td', { text: t.kind }),
    el('td', {}, badge(t.status)),
    el('td', { class: 'num' }, el('time', { dateTime: t.createdAt, title: t.createdAt, text: formatInstant(t.createdAt) })),
  );
  row.addEventListener('click', () => void openTransmission(t.id));
  row.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      void openTransmission(t.id);
    }
  });
  return row;
}

/** Runs the search in the form (or the next page of the last one). */
async function search(nextPage) {
  const generation = ++state.searchGeneration;
  const problem = $('search-problem');
  if (!nextPage) {
    const fields = Object.fromEntries(new FormData(form));
    state.query = { siren: fields.siren.trim(), kind: fields.kind, status: fields.status, q: fields.q.trim(), from: isoOfLocal(fields.from), to: isoOfLocal(fields.to) };
    state.next = undefined;
    remember(fields);
  }
  more.disabled = true;
  try {
    const page = await getJson('/api/v1/audit/transmissions', { ...state.query, limit: PAGE_SIZE, after: nextPage ? state.next : undefined });
    if (generation !== state.searchGeneration) return;
    problem.hidden = true;
    if (!nextPage) resultsBody.replaceChildren();
    resultsBody.append(...page.items.map(resultRow));
    state.next = page.next;
    more.hidden = page.next === undefined;
    $('results-empty').hidden = resultsBody.children.length > 0;
    $('search-note').textContent = `${formatCount(resultsBody.children.length)}${page.next === undefined ? '' : '+'} shown, newest first`;
  } catch (error) {
    if (generation !== state.searchGeneration) return;
    problem.textContent = describe(error);
    problem.dataset.code = error instanceof ApiFailure ? error.code : '';
    problem.hidden = false;
  } finally {
    more.disabled = false;
  }
}

/** Keeps the search (and the open transmission) in the address, so a reload or a link shows the same. */
function remember(fields = Object.fromEntries(new FormData(form))) {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) if (String(value).trim() !== '') params.set(name, String(value).trim());
  if (state.shown) params.set('t', state.shown);
  const query = params.toString();
  history.replaceState(null, '', query === '' ? location.pathname : `${location.pathname}?${query}`);
}

function eventRow(event) {
  const type = shortType(event.type);
  const summary = gist(event.data);
  const travel = el('button', { type: 'button', class: 'quiet small', text: 'state after', title: 'Show the transmission as it stood right after this event' });
  travel.addEventListener('click', () => {
    travelInput.value = localOfIso(event.recordedAt);
    void travelTo(event.recordedAt);
  });
  return el(
    'tr',
    { 'data-version': event.version, 'data-position': event.position, 'data-event': type, 'data-recorded-at': event.recordedAt, 'data-chain-ok': String(event.chainOk) },
    el('td', { class: 'num', text: event.version }),
    el('td', { class: 'when' }, el('time', { dateTime: event.recordedAt, title: formatInstant(event.recordedAt), text: event.recordedAt.replace('T', ' ') })),
    el(
      'td',
      { class: 'event' },
      el('strong', { text: eventLabel(type) }),
      summary ? el('span', { class: 'gist', text: summary }) : null,
      el('details', {}, el('summary', { text: `payload · position ${event.position}` }), el('pre', { text: JSON.stringify({ data: event.data, metadata: event.metadata }, null, 2) })),
    ),
    el('td', { 'data-role': 'hash' }, hashCell(event.hash)),
    el('td', { 'data-role': 'previous-hash' }, hashCell(event.previousHash)),
    el('td', {}, el('span', {
      class: `chain ${event.chainOk ? 'ok' : 'bad'}`,
      role: 'img',
      'aria-label': event.chainOk ? 'chain holds' : 'chain broken',
      title: event.chainOk ? 'sha256(previous hash ‖ RFC 8785 JSON of the event) recomputed: equal' : 'Recomputed hash differs, or a version is missing before this one',
      text: event.chainOk ? '✓' : '✗',
    })),
    el('td', {}, travel),
  );
}

/** Opens transmission `id`: what it is now, and its whole history from the log with each hash checked. */
async function openTransmission(id) {
  state.shown = id;
  state.travelGeneration += 1;
  remember();
  detail.hidden = false;
  detail.dataset.transmission = id;
  detail.dataset.loaded = 'false';
  for (const row of resultsBody.querySelectorAll('tr')) row.classList.toggle('selected', row.dataset.transmission === id);
  $('detail-title').textContent = 'Loading…';
  $('chain-summary').replaceChildren();
  $('detail-facts').replaceChildren();
  travelResult.replaceChildren();
  document.querySelector('#events tbody').replaceChildren();
  try {
    const [transmission, history] = await Promise.all([
      getJson(`/api/v1/audit/transmissions/${encodeURIComponent(id)}`),
      getJson(`/api/v1/audit/transmissions/${encodeURIComponent(id)}/events`),
    ]);
    if (state.shown !== id) return;
    state.events = history.items;
    $('detail-title').textContent = transmission.acte?.numeroInterne ?? transmission.pes?.nomFic ?? transmission.id;
    const broken = history.items.filter((e) => !e.chainOk).length;
    const summary = $('chain-summary');
    summary.dataset.chainOk = String(history.chainOk);
    summary.textContent = history.chainOk
      ? `✓ ${history.items.length} events, every hash recomputed equal`
      : `✗ chain broken: ${broken === 0 ? 'the stream’s recorded head is not its last event' : `${broken} event${broken > 1 ? 's' : ''} fail the check`}`;
    $('detail-facts').replaceChildren(facts(transmission));
    $('events-title').replaceChildren(`History, ${history.items.length} events, stream `, el('code', { text: history.streamId }));
    document.querySelector('#events tbody').replaceChildren(...history.items.map(eventRow));
    const last = history.items.at(-1);
    if (last) travelInput.value = localOfIso(last.recordedAt);
    detail.dataset.loaded = 'true';
    detail.scrollIntoView({ block: 'start', behavior: 'smooth' });
  } catch (error) {
    if (state.shown !== id) return;
    $('detail-title').textContent = 'Transmission';
    $('detail-facts').replaceChildren(el('p', { class: 'alert', role: 'alert', 'data-code': error instanceof ApiFailure ? error.code : '', text: describe(error) }));
    detail.dataset.loaded = 'error';
  }
}

/** Shows the open transmission as it stood at `iso`, and dims the events recorded after that moment. */
async function travelTo(iso) {
  const id = state.shown;
  if (!id || !iso) return;
  const generation = ++state.travelGeneration;
  travelResult.replaceChildren(el('p', { class: 'muted', text: 'Loading…' }));
  const cut = Date.parse(iso);
  for (const row of document.querySelectorAll('#events tbody tr')) row.classList.toggle('future', Date.parse(row.dataset.recordedAt) > cut);
  try {
    const then = await getJson(`/api/v1/audit/transmissions/${encodeURIComponent(id)}`, { at: iso });
    if (generation !== state.travelGeneration) return;
    travelResult.replaceChildren(el('p', { class: 'travel-at', 'data-at': iso, text: `As it stood at ${iso}` }), facts(then));
    travelResult.dataset.status = then.status;
  } catch (error) {
    if (generation !== state.travelGeneration) return;
    const notYet = error instanceof ApiFailure && error.status === 404;
    travelResult.replaceChildren(el('p', { class: notYet ? 'muted' : 'alert', 'data-at': iso, 'data-code': error instanceof ApiFailure ? error.code : '', text: notYet ? `It had not been received yet at ${iso}.` : describe(error) }));
    travelResult.dataset.status = notYet ? 'none' : 'error';
  }
}

/** Recomputes the whole log's chain on the server, and says what it found. */
async function verify() {
  const button = $('verify');
  const result = $('verify-result');
  button.disabled = true;
  result.className = '';
  result.textContent = 'Verifying every hash of the log…';
  delete result.dataset.ok;
  const started = Date.now();
  try {
    const verdict = await getJson('/api/v1/audit/verify');
    const took = `${((Date.now() - started) / 1000).toFixed(1)} s`;
    result.dataset.ok = String(verdict.ok);
    result.className = verdict.ok ? 'verdict ok' : 'verdict bad';
    if (verdict.ok) {
      result.textContent = `✓ Intact: ${formatCount(verdict.checked)} events checked, every hash recomputed equal (${took}).`;
    } else {
      const broken = verdict.firstBroken;
      result.replaceChildren(`✗ Broken at position ${broken.position} (${broken.reason.replace(/_/g, ' ')}) in ${broken.streamId}, after ${formatCount(verdict.checked)} events checked. `);
      const transmission = /^transmission-(.+)$/.exec(broken.streamId)?.[1];
      if (transmission) {
        const open = el('button', { type: 'button', class: 'quiet small', text: 'Open this transmission' });
        open.addEventListener('click', () => void openTransmission(transmission));
        result.append(open);
      }
    }
  } catch (error) {
    result.className = 'verdict bad';
    result.textContent = describe(error);
  } finally {
    button.disabled = false;
  }
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  void search(false);
});
form.addEventListener('reset', () => setTimeout(() => void search(false)));
more.addEventListener('click', () => void search(true));
$('verify').addEventListener('click', () => void verify());
$('travel').addEventListener('submit', (event) => {
  event.preventDefault();
  const iso = isoOfLocal(travelInput.value);
  if (iso) void travelTo(iso);
});

// The search and the transmission of the address, if any, then the page is ready.
const asked = new URLSearchParams(location.search);
for (const name of ['siren', 'kind', 'status', 'q', 'from', 'to']) {
  const value = asked.get(name);
  if (value !== null && form.elements[name]) form.elements[name].value = value;
}
await search(false);
const wanted = asked.get('t');
if (wanted) await openTransmission(wanted);
document.documentElement.dataset.ready = 'true';
