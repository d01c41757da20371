// The collectivités' web app (/app): submit an acte, follow the transmissions, read one's history and
// download the stamped acte and the receipt. French first; every error next to its field.
import { ApiFailure, getJson, onSessionEnded, post } from './api.js';

/** API.md's rule for a numéro interne. */
const NUMERO_INTERNE = /^[A-Z0-9]([A-Z0-9_]{0,13}[A-Z0-9])?$/;
const FIELDS = ['numeroInterne', 'dateDecision', 'nature', 'classification', 'objet', 'document', 'annexes'];

const STATUS_FR = {
  received: 'Reçu',
  validated: 'Validé',
  routed: 'Aiguillé',
  sent: 'Envoyé',
  acknowledged: 'Accusé de réception',
  rejected: 'Refusé',
  nacked: 'Rejeté par l’État',
  partially_accepted: 'Accepté en partie',
  failed: 'Échec d’envoi',
  cancelled: 'Annulé',
};

/** French words for the gateway's refusals a form can meet; otherwise its own message is shown. */
const CODES_FR = {
  'METADATA.MISSING_FIELD': 'Ce champ est obligatoire.',
  'METADATA.INVALID_TYPE': 'Cette valeur n’a pas la bonne forme.',
  'UPLOAD.TOO_LARGE': 'Les fichiers dépassent la taille permise.',
  'ACTE.NUMERO_INTERNE_TAKEN': 'Ce numéro interne a déjà servi pour un autre acte.',
  'SERVICE.OVERLOADED': 'La plateforme est très sollicitée : réessayez dans un instant.',
  'AUTH.SESSION_ENDED': 'Votre session a pris fin : reconnectez-vous.',
};

const $ = (id) => document.getElementById(id);
/** How often the list and the open transmission are read again. */
const REFRESH_MS = 4000;
const banner = $('banner');

function show(id, text) {
  const element = $(id);
  element.textContent = text;
  element.hidden = text === '';
}

/** The form's own checks, before anything is sent: field → French message. */
export function validateActe(values, today) {
  const errors = {};
  if (values.numeroInterne === '') errors.numeroInterne = 'Indiquez le numéro interne de l’acte.';
  else if (!NUMERO_INTERNE.test(values.numeroInterne)) errors.numeroInterne = 'Le numéro interne ne peut contenir que des majuscules, des chiffres et « _ » (15 caractères au plus, sans « _ » au début ni à la fin).';
  if (values.dateDecision === '') errors.dateDecision = 'Indiquez la date de la décision.';
  else if (values.dateDecision > today) errors.dateDecision = 'La date de la décision ne peut pas être dans le futur.';
  if (values.nature === '') errors.nature = 'Choisissez la nature de l’acte.';
  if (values.classification === '') errors.classification = 'Choisissez la classification de l’acte.';
  if (values.objet.trim() === '') errors.objet = 'Indiquez l’objet de l’acte.';
  else if (/[\r\n]/.test(values.objet)) errors.objet = 'L’objet doit tenir sur une seule ligne.';
  else if (values.objet.length > 499) errors.objet = 'L’objet ne peut dépasser 499 caractères.';
  if (values.document === undefined) errors.document = 'Joignez l’acte, au format PDF.';
  else if (!isPdf(values.document)) errors.document = 'L’acte doit être un fichier PDF.';
  if (values.annexes.some((file) => !isPdf(file))) errors.annexes = 'Les annexes doivent être des fichiers PDF.';
  return errors;
}

function isPdf(file) {
  return file.type === 'application/pdf' || file.name.toLowerCase().endsWith('.pdf');
}

function formValues(form) {
  const data = new FormData(form);
  const text = (name) => String(data.get(name) ?? '').trim();
  const document = form.elements.document.files[0];
  return {
    numeroInterne: text('numeroInterne'),
    dateDecision: text('dateDecision'),
    nature: text('nature'),
    classification: text('classification'),
    objet: String(data.get('objet') ?? ''),
    document,
    annexes: [...form.elements.annexes.files],
  };
}

function showFieldErrors(form, errors) {
  let first;
  for (const name of FIELDS) {
    const message = errors[name] ?? '';
    show(`${name}-error`, message);
    const input = form.elements[name];
    if (message === '') input.removeAttribute('aria-invalid');
    else {
      input.setAttribute('aria-invalid', 'true');
      first ??= input;
    }
  }
  first?.focus();
  return first === undefined;
}

/** Sends the multipart submission with a progress bar; resolves with the answer's status and JSON body. */
function send(values, onProgress) {
  const form = new FormData();
  const metadata = { numeroInterne: values.numeroInterne, dateDecision: values.dateDecision, nature: values.nature, classification: values.classification, objet: values.objet.trim() };
  form.append('metadata', JSON.stringify(metadata));
  form.append('document', values.document, values.document.name);
  for (const annexe of values.annexes) form.append('annexes', annexe, annexe.name);
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', '/api/v1/actes');
    // A retry of this very submission (a lost answer) creates nothing new.
    request.setRequestHeader('Idempotency-Key', crypto.randomUUID());
    request.setRequestHeader('Accept', 'application/json');
    request.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable) onProgress(Math.round((100 * event.loaded) / event.total));
    });
    request.addEventListener('load', () => {
      let body = {};
      try {
        body = JSON.parse(request.responseText);
      } catch {
        // Not JSON: the status says enough.
      }
      resolve({ status: request.status, body });
    });
    request.addEventListener('error', () => reject(new Error('Le réseau a coupé l’envoi : réessayez.')));
    request.send(form);
  });
}

async function submit(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const values = formValues(form);
  show('submit-status', '');
  if (!showFieldErrors(form, validateActe(values, new Date().toISOString().slice(0, 10)))) return;
  const button = $('send');
  const progress = $('upload-progress');
  button.disabled = true;
  progress.hidden = false;
  progress.value = 0;
  try {
    const { status, body } = await send(values, (percent) => {
      progress.value = percent;
    });
    if (status === 202) {
      form.reset();
      show('submit-status', `Acte ${values.numeroInterne} reçu par la plateforme ; il part vers la préfecture après vérification.`);
      await refresh();
      await openDetail(body.id);
      return;
    }
    const errors = {};
    const loose = [];
    for (const error of body.errors ?? []) {
      const message = CODES_FR[error.code] ?? error.message ?? error.code;
      if (error.field && FIELDS.includes(error.field)) errors[error.field] = message;
      else loose.push(message);
    }
    showFieldErrors(form, errors);
    show('submit-status', loose.length > 0 ? loose.join(' ') : `L’acte n’a pas été transmis (${String(status)}).`);
  } catch (error) {
    show('submit-status', error instanceof Error ? error.message : String(error));
  } finally {
    button.disabled = false;
    progress.hidden = true;
  }
}

function referenceOf(t) {
  return t.acte?.numeroInterne ?? t.pes?.nomFic ?? t.id;
}

async function refresh() {
  const filters = new FormData($('filters'));
  const page = await getJson('/api/v1/transmissions', { status: filters.get('status'), kind: filters.get('kind'), limit: 50 });
  const body = $('transmissions').tBodies[0];
  body.replaceChildren(
    ...page.items.map((t) => {
      const row = document.createElement('tr');
      const link = document.createElement('a');
      link.href = `#${t.id}`;
      link.textContent = referenceOf(t);
      link.addEventListener('click', (event) => {
        event.preventDefault();
        void openDetail(t.id);
      });
      const cells = [link, t.kind === 'acte' ? 'Acte' : 'Flux PES', t.acte?.objet ?? '', STATUS_FR[t.status] ?? t.status, new Date(t.updatedAt).toLocaleString('fr-FR')];
      for (const content of cells) {
        const cell = document.createElement('td');
        cell.append(content);
        row.append(cell);
      }
      row.dataset.status = t.status;
      return row;
    }),
  );
}

async function openDetail(id) {
  const [t, events] = await Promise.all([getJson(`/api/v1/transmissions/${id}`), getJson(`/api/v1/transmissions/${id}/events`)]);
  $('detail').hidden = false;
  $('detail').dataset.id = id;
  $('detail-title').textContent = `${t.kind === 'acte' ? 'Acte' : 'Flux PES'} ${referenceOf(t)}`;
  $('detail-status').textContent = `État : ${STATUS_FR[t.status] ?? t.status}${t.acte?.idActe ? ` · identifiant @ctes ${t.acte.idActe}` : ''}`;
  $('detail').dataset.status = t.status;
  show('detail-errors', (t.errors ?? []).map((e) => `${e.field ? `${e.field} : ` : ''}${e.message} (${e.code})`).join(' '));
  const acknowledged = t.kind === 'acte' && t.status === 'acknowledged';
  $('downloads').hidden = !acknowledged;
  if (acknowledged) {
    $('stamped-link').href = `/api/v1/transmissions/${id}/stamped`;
    $('receipt-link').href = `/api/v1/transmissions/${id}/receipt`;
  }
  // An annulation (6-1) names the acte by the IDActe of its AR: only an acknowledged acte can be cancelled.
  $('annulation').hidden = !acknowledged;
  $('history').replaceChildren(
    ...events.items.map((e) => {
      const item = document.createElement('li');
      item.textContent = `${new Date(e.recordedAt).toLocaleString('fr-FR')} — ${e.type}`;
      return item;
    }),
  );
}

async function loadClassification() {
  const me = await getJson('/api/v1/tokens/current');
  $('collectivite').textContent = `SIREN ${me.siren ?? ''}`;
  const view = await getJson('/api/v1/classification', { siren: me.siren });
  const select = $('classification');
  const choices = view.codes.filter((code) => code.includes('.'));
  select.replaceChildren(new Option('Choisir…', ''), ...choices.map((code) => new Option(code, code)));
}

async function askAnnulation() {
  const id = $('detail').dataset.id;
  if (id === undefined || !window.confirm('Demander à la préfecture l’annulation de cet acte ? Elle ne peut pas être retirée.')) return;
  $('annulation').disabled = true;
  try {
    await post(`/api/v1/actes/${id}/annulation`);
    show('annulation-status', 'Demande d’annulation envoyée ; l’acte sera annulé à la réponse de la préfecture.');
  } catch (error) {
    show('annulation-status', error instanceof ApiFailure ? `${CODES_FR[error.code] ?? error.message} (${error.code})` : String(error));
  } finally {
    $('annulation').disabled = false;
  }
}

function fail(error) {
  banner.textContent = error instanceof ApiFailure ? `${CODES_FR[error.code] ?? error.message} (${error.code})` : String(error);
  banner.hidden = false;
}

onSessionEnded(() => {
  window.location.assign(`/signin?next=${encodeURIComponent('/app')}`);
});
$('acte-form').addEventListener('submit', (event) => void submit(event));
$('annulation').addEventListener('click', () => void askAnnulation());
$('filters').addEventListener('change', () => void refresh().catch(fail));
void Promise.all([loadClassification(), refresh()]).then(() => {
  document.body.dataset.ready = 'true';
}, fail);
// The list follows the platform: a submission shows once projected, and statuses move as the State answers.
setInterval(() => {
  if (document.visibilityState !== 'visible') return;
  void refresh().then(() => {
    const open = $('detail').hidden ? undefined : $('detail').dataset.id;
    if (open !== undefined) return openDetail(open);
  }, fail);
}, REFRESH_MS);
