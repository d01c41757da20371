// The dashboard's panels, built with DOM calls only (no HTML strings: the data never becomes markup).
import { formatBytes, formatCount, formatDuration, formatInstant, formatShare, statusLabel } from './format.js';

/** `document.createElement` with classes, attributes and children in one go. */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') node.className = value;
    else if (name === 'text') node.textContent = value;
    else if (name.startsWith('data-') || name.startsWith('aria-') || name === 'role' || name === 'title' || name === 'type' || name === 'tabindex') node.setAttribute(name, String(value));
    else node[name] = value;
  }
  for (const child of children.flat()) if (child !== null && child !== undefined && child !== false) node.append(child);
  return node;
}

/** A horizontal share bar (width set through the CSSOM, which the page's CSP allows). */
function fill(className, share) {
  const span = el('span', { class: `fill ${className}` });
  span.style.width = `${Math.max(0, Math.min(100, share * 100)).toFixed(2)}%`;
  return span;
}

const FIGURES = ['received', 'acknowledged', 'rejected', 'nacked', 'partiallyAccepted', 'failed', 'cancelled', 'inFlight'];

/** Writes the headline figures; a figure that changed flashes. */
export function showFigures(root, summary) {
  const figures = summary;
  const set = (name, text) => {
    const output = root.querySelector(`[data-figure="${name}"]`);
    if (!output) return;
    if (output.textContent !== text) {
      const card = output.closest('.figure');
      if (output.dataset.shown === 'yes' && card) {
        card.classList.remove('changed');
        // Restarts the animation.
        void card.offsetWidth;
        card.classList.add('changed');
      }
      output.textContent = text;
    }
    output.dataset.shown = 'yes';
  };
  for (const name of FIGURES) set(name, formatCount(figures[name]));
  for (const p of ['p50', 'p95', 'p99']) set(p, formatDuration(figures.latencyMs?.[p]));
  const share = root.querySelector('[data-share="acknowledged"]');
  if (share) share.textContent = figures.received ? `${formatShare(figures.acknowledged, figures.received)} of received` : '';
}

/** The age cell of an item: ticks every second from the instant it counts from. */
export function ageCell(sinceIso, now) {
  const cell = el('td', { class: 'num age', 'data-since': sinceIso });
  paintAge(cell, now);
  return cell;
}

/** Rewrites the ages of `root`'s cells from `now` (server time). */
export function tickAges(root, now) {
  for (const cell of root.querySelectorAll('[data-since]')) paintAge(cell, now);
}

function paintAge(cell, now) {
  const age = Math.max(0, now - Date.parse(cell.dataset.since));
  cell.textContent = formatDuration(age);
  cell.classList.toggle('age-warn', age >= 5 * 60_000 && age < 3_600_000);
  cell.classList.toggle('age-bad', age >= 3_600_000);
}

function badge(status) {
  return el('span', { class: 'badge', 'data-status': status, text: statusLabel(status) });
}

function itemCell(item) {
  return el('td', {}, el('span', { class: 'label', text: item.label || item.id }), el('span', { class: 'id', text: `${item.kind} · ${item.id}` }));
}

function collectiviteCell(item) {
  return el('td', {}, el('span', { text: item.nom || item.siren }), el('span', { class: 'id', text: `${item.siren} · ${item.departement || '—'}` }));
}

/** A table row that opens the transmission's history on click or Enter. */
function clickableRow(item, open, ...cells) {
  const row = el('tr', { class: 'clickable', tabindex: 0, 'data-transmission': item.id, title: 'Open its history' }, ...cells);
  row.addEventListener('click', (event) => {
    if (event.target.closest('button')) return;
    open(item.id);
  });
  row.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.target.closest('button')) open(item.id);
  });
  return row;
}

const STAGES = ['received', 'validated', 'routed', 'sent'];

/** In flight by status (with the oldest's age), failed, and the items waiting longest. */
export function showBacklog(backlog, now, open) {
  const stages = document.getElementById('stages');
  stages.replaceChildren(
    ...STAGES.map((status) => {
      const stage = backlog.inFlight.byStatus[status] ?? { count: 0, oldestAt: null };
      return el(
        'li',
        { 'data-tone': 'inflight', 'data-stage': status },
        el('span', { class: 'count', text: formatCount(stage.count) }),
        el('span', { class: 'name', text: status }),
        el('span', { class: 'oldest', text: stage.oldestAt ? `oldest ${formatDuration(now - Date.parse(stage.oldestAt))}` : '—' }),
      );
    }),
    el(
      'li',
      { 'data-tone': 'failed', 'data-stage': 'failed' },
      el('span', { class: 'count', text: formatCount(backlog.failed.count) }),
      el('span', { class: 'name', text: 'failed' }),
      el('span', { class: 'oldest', text: backlog.failed.oldestAt ? `oldest ${formatDuration(now - Date.parse(backlog.failed.oldestAt))}` : '—' }),
    ),
  );
  const oldest = document.querySelector('#oldest tbody');
  oldest.replaceChildren(...backlog.oldest.map((item) => clickableRow(item, open, itemCell(item), collectiviteCell(item), el('td', {}, badge(item.status)), ageCell(item.receivedAt, now))));
  document.getElementById('oldest-empty').hidden = backlog.oldest.length > 0;
}

/** Failed deliveries, each with a Retry button. */
export function showFailed(backlog, now, open, retry) {
  document.getElementById('failed-count').textContent = backlog.failed.count ? `${formatCount(backlog.failed.count)} in all` : '';
  const body = document.querySelector('#failed-items tbody');
  body.replaceChildren(
    ...backlog.failedItems.map((item) => {
      const button = el('button', { type: 'button', class: 'primary', text: 'Retry', 'data-retry': item.id });
      const result = el('span', { class: 'retry-result', role: 'status' });
      button.addEventListener('click', () => void retry(item.id, item.label || item.id, button, result));
      return clickableRow(item, open, itemCell(item), collectiviteCell(item), ageCell(item.statusAt, now), el('td', { class: 'num' }, button, result));
    }),
  );
  document.getElementById('failed-empty').hidden = backlog.failedItems.length > 0;
}

/** The busiest collectivités, a bar each: acknowledged, refused, failed and the rest of what they sent. */
export function showCollectivites(breakdown) {
  const items = breakdown.items;
  const most = Math.max(1, ...items.map((item) => item.received));
  const body = document.querySelector('#collectivites tbody');
  body.replaceChildren(
    ...items.map((item) => {
      const refused = item.rejected + item.nacked;
      const rest = Math.max(0, item.received - item.acknowledged - refused - item.failed);
      const track = el('span', { class: 'track' }, fill('ack', item.acknowledged / most), fill('refused', refused / most), fill('failed', item.failed / most), fill('rest', rest / most));
      return el(
        'tr',
        { 'data-siren': item.value },
        el('td', {}, el('span', { text: item.label || item.value }), el('span', { class: 'id', text: item.value })),
        el('td', {}, el('span', { class: 'bar' }, track, el('span', { class: 'value', text: formatCount(item.received) }))),
        el('td', { class: 'num', text: formatCount(item.acknowledged) }),
        el('td', { class: 'num', text: formatCount(refused) }),
        el('td', { class: 'num', text: formatCount(item.failed) }),
        el('td', { class: 'num', text: item.inFlight === undefined ? '–' : formatCount(item.inFlight) }),
      );
    }),
  );
  document.getElementById('collectivites-empty').hidden = items.length > 0;
}

const REASON_GROUPS = [
  ['rejected', 'Rejected by validation', 'rejected'],
  ['nacked', 'Refused by the State', 'nacked'],
  ['partiallyAccepted', 'Partly refused (PES)', 'partially_accepted'],
  ['failed', 'Delivery failed', 'failed'],
];

/** The most frequent codes of each way of not going through. */
export function showReasons(reasons) {
  const groups = REASON_GROUPS.filter(([field]) => (reasons[field] ?? []).length > 0).map(([field, title, tone]) => {
    const list = reasons[field];
    const most = Math.max(1, ...list.map((r) => r.count));
    return el(
      'section',
      { 'data-tone': tone, 'data-reasons': field },
      el('h3', { text: title }),
      el('ol', {}, ...list.map((r) => el('li', {}, el('code', { text: r.code }), el('span', { class: 'num', text: formatCount(r.count) }), el('span', { class: 'track' }, fill('', r.count / most))))),
    );
  });
  document.getElementById('reasons').replaceChildren(...groups);
  document.getElementById('reasons-empty').hidden = groups.length > 0;
}

/** Each endpoint: its cap, how full its current window is, and its recent windows as a spark line. */
export function showWindows(windows) {
  const cards = windows.endpoints.map((endpoint) => {
    const last = endpoint.windows[endpoint.windows.length - 1];
    const capText = endpoint.window ? `cap ${formatBytes(endpoint.window.bytes)} per ${formatDuration(endpoint.window.seconds * 1000)}` : 'no cap';
    const used = last?.used ?? null;
    const usage = el('div', { class: 'usage', title: used === null ? 'no cap' : `${(used * 100).toFixed(0)} % of the cap` });
    if (used !== null) usage.append(fill(used >= 1 ? 'full' : used >= 0.8 ? 'high' : '', used));
    const mostBytes = Math.max(1, ...endpoint.windows.map((w) => w.bytes));
    const spark = el(
      'div',
      { class: 'spark', 'aria-hidden': 'true' },
      ...endpoint.windows.slice(-60).map((w) => {
        const bar = el('span', { class: w.deferred > 0 ? 'deferred' : '', title: `${formatInstant(w.start)}: ${formatBytes(w.bytes)}, ${w.sent} sent, ${w.deferred} deferred` });
        bar.style.height = `${Math.max(3, (100 * w.bytes) / mostBytes).toFixed(1)}%`;
        return bar;
      }),
    );
    const totals = endpoint.windows.reduce((t, w) => ({ sent: t.sent + w.sent, deferred: t.deferred + w.deferred, bytes: t.bytes + w.bytes }), { sent: 0, deferred: 0, bytes: 0 });
    return el(
      'article',
      { class: 'window', 'data-endpoint': endpoint.endpointId },
      el('header', {}, el('strong', { text: endpoint.label }), el('span', { class: 'cap', text: capText })),
      endpoint.window ? usage : null,
      el(
        'div',
        { class: 'facts' },
        el('span', { text: last ? `last window ${formatInstant(last.start)}: ${formatBytes(last.bytes)}${used === null ? '' : ` (${(used * 100).toFixed(0)} %)`}` : 'nothing sent in this period' }),
        el('span', { text: `${formatCount(totals.sent)} sent, ${formatBytes(totals.bytes)}` }),
        el('span', { text: `${formatCount(totals.deferred)} deferred` }),
      ),
      endpoint.windows.length > 1 ? spark : null,
    );
  });
  document.getElementById('windows').replaceChildren(...cards);
  document.getElementById('windows-empty').hidden = cards.length > 0;
}
