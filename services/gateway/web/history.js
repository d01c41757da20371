// A transmission's full history in a dialog: what it is, where it stands, and every step in order.
import { ApiFailure, getJson, post, serverNow } from './api.js';
import { eventLabel, formatDuration, formatInstant, statusLabel } from './format.js';
import { el } from './panels.js';

const dialog = document.getElementById('history');
const body = document.getElementById('history-body');
const title = document.getElementById('history-title');
let shown = null;

document.getElementById('history-close').addEventListener('click', () => dialog.close());
dialog.addEventListener('close', () => {
  shown = null;
});
// A click on the backdrop closes it too.
dialog.addEventListener('click', (event) => {
  if (event.target === dialog) dialog.close();
});

const TONE_OF_EVENT = {
  TransmissionAcknowledged: 'acknowledged',
  TransmissionRejected: 'rejected',
  TransmissionNacked: 'nacked',
  TransmissionPartiallyAccepted: 'partially_accepted',
  TransmissionFailed: 'failed',
  TransmissionDeliveryAttemptFailed: 'rejected',
  TransmissionCancelled: 'cancelled',
  TransmissionReceived: 'received',
};

function facts(transmission) {
  const rows = [
    ['Status', el('span', { class: 'badge', 'data-status': transmission.status, text: statusLabel(transmission.status) })],
    ['Kind', transmission.kind],
    ['Collectivité', transmission.siren],
    ['Received', formatInstant(transmission.createdAt)],
    ['Last change', formatInstant(transmission.updatedAt)],
  ];
  if (['received', 'validated', 'routed', 'sent'].includes(transmission.status)) {
    rows.push(['Waiting for', el('span', { 'data-since': transmission.createdAt, text: formatDuration(serverNow() - Date.parse(transmission.createdAt)) })]);
  }
  if (transmission.acte) {
    rows.push(['Numéro interne', transmission.acte.numeroInterne], ['Nature', String(transmission.acte.nature)], ['Classification', transmission.acte.classification], ['Objet', transmission.acte.objet]);
    if (transmission.acte.idActe) rows.push(['IDActe', transmission.acte.idActe]);
  }
  if (transmission.pes) rows.push(['PES file', transmission.pes.nomFic], ['CodCol / IdPost', `${transmission.pes.codCol} / ${transmission.pes.idPost}`]);
  if (transmission.acknowledgment?.at) rows.push(['Acknowledged', formatInstant(transmission.acknowledgment.at)]);
  rows.push(['Id', el('code', { text: transmission.id })]);
  return el('dl', { class: 'facts-grid' }, ...rows.flatMap(([name, value]) => [el('dt', { text: name }), el('dd', {}, value)]));
}

/** The few facts of an event a supervisor looks for, in one line. */
function gist(data) {
  const parts = [];
  const add = (label, value) => {
    if (value !== undefined && value !== null && value !== '') parts.push(`${label} ${value}`);
  };
  add('endpoint', data.endpointId);
  add('file', data.fileName);
  add('attempt', data.attempt);
  add('IDActe', data.idActe);
  add('reason', data.reasonCode ?? data.reason);
  if (Array.isArray(data.errors) && data.errors.length > 0) add('errors', data.errors.map((e) => e.code).join(', '));
  if (data.until) add('until', formatInstant(data.until));
  return parts.join(' · ');
}

function timeline(events) {
  let previous = null;
  return el(
    'ol',
    { class: 'timeline', 'aria-label': 'Every step, in order' },
    ...events.map((event) => {
      const at = Date.parse(event.recordedAt);
      const gap = previous === null ? null : at - previous;
      previous = at;
      return el(
        'li',
        { 'data-tone': TONE_OF_EVENT[event.type], 'data-event': event.type },
        el('strong', { text: eventLabel(event.type) }),
        el('span', { class: 'when', text: formatInstant(event.recordedAt) }),
        gap === null ? null : el('span', { class: 'gap', text: `+${formatDuration(gap)}` }),
        gist(event.data ?? {}) ? el('span', { class: 'gist', text: gist(event.data ?? {}) }) : null,
        el('details', {}, el('summary', { text: `position ${event.position}` }), el('pre', { text: JSON.stringify(event.data, null, 2) })),
      );
    }),
  );
}

const retryLog = document.getElementById('retry-log');

/**
 * A Retry button's work: POST, then say what happened beside the button and in the failed panel's
 * log (the row itself goes once the transmission is no longer failed).
 */
export async function retryTransmission(id, label, button, result, afterwards) {
  button.disabled = true;
  result.className = 'retry-result';
  result.textContent = 'Retrying…';
  let text;
  let ok = false;
  try {
    const answer = await post(`/api/v1/transmissions/${encodeURIComponent(id)}/retry`);
    ok = true;
    text = `Retry accepted: ${statusLabel(answer.status)}`;
  } catch (error) {
    text = error instanceof ApiFailure ? `${error.code}: ${error.message}` : String(error);
    button.disabled = false;
  }
  result.classList.add(ok ? 'ok' : 'bad');
  result.textContent = text;
  if (retryLog) {
    const line = el('li', { class: ok ? 'ok' : 'bad', 'data-retried': id }, el('strong', { text: label }), ` ${text}`, el('span', { class: 'when', text: ` at ${formatInstant(new Date(serverNow()).toISOString())}` }));
    retryLog.prepend(line);
    while (retryLog.children.length > 5) retryLog.lastElementChild.remove();
    retryLog.hidden = false;
  }
  afterwards();
}

/** Opens the history of transmission `id` (reloading it when already shown). */
export async function openHistory(id, onChange) {
  shown = id;
  title.textContent = 'Transmission';
  body.replaceChildren(el('p', { class: 'muted', text: 'Loading…' }));
  if (!dialog.open) dialog.showModal();
  try {
    const [transmission, events] = await Promise.all([
      getJson(`/api/v1/transmissions/${encodeURIComponent(id)}`),
      getJson(`/api/v1/transmissions/${encodeURIComponent(id)}/events`),
    ]);
    if (shown !== id) return;
    title.textContent = transmission.acte?.numeroInterne ?? transmission.pes?.nomFic ?? transmission.id;
    const parts = [facts(transmission)];
    if (transmission.errors?.length) {
      parts.push(el('h3', { text: 'Errors' }), el('ul', { class: 'errors-list' }, ...transmission.errors.map((e) => el('li', {}, el('code', { text: e.code }), ` ${e.message}`, e.field ? ` (${e.field})` : ''))));
    }
    if (transmission.status === 'failed') {
      const button = el('button', { type: 'button', class: 'primary', text: 'Retry delivery', 'data-retry': transmission.id });
      const result = el('span', { class: 'retry-result', role: 'status' });
      button.addEventListener('click', () =>
        void retryTransmission(transmission.id, title.textContent, button, result, () => {
          onChange();
          setTimeout(() => {
            if (shown === id) void openHistory(id, onChange);
          }, 1500);
        }),
      );
      parts.push(el('div', { class: 'history-actions' }, button, result));
    }
    parts.push(el('h3', { text: `History (${events.items.length} steps)` }), timeline(events.items));
    body.replaceChildren(...parts);
  } catch (error) {
    if (shown !== id) return;
    body.replaceChildren(el('p', { class: 'alert', role: 'alert', text: error instanceof ApiFailure ? `${error.code}: ${error.message}` : String(error) }));
  }
}
