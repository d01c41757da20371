// The collectivités' web app (/app): submit an acte (or import an archive, or post a PES file), follow
// the transmissions, read one's history, answer the préfecture's letters, read Hélios's verdict per
// bordereau, download the stamped acte and the receipt; and, for a collectivité's administrators, its
// users and tokens. French first; every error next to its field.
import { ApiFailure, getJson, onSessionEnded, post } from './api.js';
import { renderExchanges, renderOutcomes } from './app-detail.js';
import { startNotices } from './app-notices.js';
import { startPeople } from './app-people.js';
import { upload, withProgress } from './upload.js';

/** API.md's rule for a numéro interne. */
const NUMERO_INTERNE = /^[A-Z0-9]([A-Z0-9_]{0,13}[A-Z0-9])?$/;
const FIELDS = ['numeroInterne', 'dateDecision', 'nature', 'classification', 'objet', 'typePJ', 'document', 'annexes', 'annexesTypePJ'];
/** API.md: a missing typePJ is the nature's generic piece type. */
const GENERIC_TYPE = { DE: '99_DE', AR: '99_AR', AI: '99_AI', CC: '99_DC', BF: '99_BU', AU: '99_AU' };

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

/** The history's steps, in French (a type not listed shows as it is). */
const EVENTS_FR = {
  TransmissionReceived: 'Reçue par la plateforme',
  TransmissionValidated: 'Vérifiée',
  TransmissionRejected: 'Refusée à la vérification',
  TransmissionRouted: 'Aiguillée vers son destinataire',
  TransmissionPackaged: 'Mise sous enveloppe',
  TransmissionSent: 'Envoyée',
  TransmissionDeliveryAttemptFailed: 'Envoi à retenter',
  TransmissionDeliveryDeferred: 'Envoi différé',
  TransmissionFailed: 'Envoi abandonné',
  TransmissionRetryRequested: 'Nouvel envoi demandé',
  TransmissionAcknowledged: 'Accusé de réception de l’État',
  TransmissionPartiallyAccepted: 'Acceptée en partie par l’État',
  TransmissionNacked: 'Refusée par l’État',
  TransmissionLetterReceived: 'Courrier de la préfecture reçu',
  TransmissionReplyRequested: 'Réponse au courrier enregistrée',
  TransmissionMessageSent: 'Message envoyé à la préfecture',
  TransmissionReplyAcknowledged: 'Réponse reçue par la préfecture',
  TransmissionCancellationRequested: 'Annulation demandée',
  TransmissionCancelled: 'Annulée',
};

/** French words for the gateway's refusals a form can meet; otherwise its own message is shown. */
const CODES_FR = {
  'METADATA.MISSING_FIELD': 'Ce champ est obligatoire.',
  'METADATA.INVALID_TYPE': 'Cette valeur n’a pas la bonne forme.',
  'UPLOAD.TOO_LARGE': 'Les fichiers dépassent la taille permise.',
  'ACTE.NUMERO_INTERNE_TAKEN': 'Ce numéro interne a déjà servi pour un autre acte.',
  'SERVICE.OVERLOADED': 'La plateforme est très sollicitée : réessayez dans un instant.',
  'AUTH.SESSION_ENDED': 'Votre session a pris fin : reconnectez-vous.',
  'REQUEST.UPLOAD_TOO_LARGE': 'Le fichier dépasse la taille permise.',
  'ARCHIVE.SIREN_MISMATCH': 'Cette archive est celle d’une autre collectivité.',
  'PES.DOCTYPE_FORBIDDEN': 'Un fichier PES ne contient pas de déclaration DOCTYPE.',
  'PES.MALFORMED_XML': 'Ce fichier n’est pas un XML lisible.',
  'PES.NOT_PES_ALLER': 'Ce fichier n’est pas un PES_Aller.',
  'PES.NOM_FIC_DUPLICATE': 'Un flux de même NomFic a déjà été transmis.',
  'PES.ID_POST_UNKNOWN': 'Le poste comptable (IdPost) n’est pas celui de vos budgets.',
  'PES.ID_COLL_UNKNOWN': 'La collectivité (IdColl) du fichier n’est pas la vôtre.',
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
    typePJ: text('typePJ'),
    document,
    annexes: [...form.elements.annexes.files],
    annexesTypePJ: text('annexesTypePJ'),
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

/** The multipart body of an acte's submission (API.md), the piece types only when chosen. */
export function acteBody(values) {
  const form = new FormData();
  const metadata = { numeroInterne: values.numeroInterne, dateDecision: values.dateDecision, nature: values.nature, classification: values.classification, objet: values.objet.trim() };
  if (values.typePJ !== '') metadata.typePJ = values.typePJ;
  if (values.annexesTypePJ !== '' && values.annexes.length > 0) metadata.annexesTypePJ = values.annexes.map(() => values.annexesTypePJ);
  form.append('metadata', JSON.stringify(metadata));
  form.append('document', values.document, values.document.name);
  for (const annexe of values.annexes) form.append('annexes', annexe, annexe.name);
  return form;
}

async function submit(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const values = formValues(form);
  show('submit-status', '');
  if (!showFieldErrors(form, validateActe(values, new Date().toISOString().slice(0, 10)))) return;
  try {
    const { status, body } = await withProgress($('send'), $('upload-progress'), (onProgress) =>
      upload('/api/v1/actes', acteBody(values), { idempotencyKey: crypto.randomUUID(), onProgress }),
    );
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
  }
}

function refusal(body, status, what) {
  const messages = (body.errors ?? []).map((error) => `${CODES_FR[error.code] ?? error.message} (${error.code})`);
  return messages.length > 0 ? messages.join(' ') : `${what} n’a pas été transmis (${String(status)}).`;
}

/**
 * A file sent as it is (an @ctes archive, a PES_Aller): checked for a name the endpoint takes, sent
 * with a progress bar, the refusal shown under the field; once accepted, its transmission opened.
 */
async function sendFile(event, { field, path, contentType, accepts, wrongType, what }) {
  event.preventDefault();
  const input = $(field);
  const file = input.files[0];
  show(`${field}-status`, '');
  const fault = file === undefined ? `Choisissez ${what}.` : accepts(file.name.toLowerCase()) ? '' : wrongType;
  show(`${field}-error`, fault);
  if (fault !== '') {
    input.setAttribute('aria-invalid', 'true');
    input.focus();
    return;
  }
  input.removeAttribute('aria-invalid');
  try {
    const { status, body } = await withProgress($(`${field}-send`), $(`${field}-progress`), (onProgress) =>
      upload(path, file, { contentType, idempotencyKey: crypto.randomUUID(), onProgress }),
    );
    if (status === 202) {
      input.form.reset();
      show(`${field}-status`, `${file.name} reçu par la plateforme ; il part après vérification.`);
      await refresh();
      await openDetail(body.id);
      return;
    }
    show(`${field}-error`, refusal(body, status, file.name));
    input.setAttribute('aria-invalid', 'true');
    input.focus();
  } catch (error) {
    show(`${field}-status`, error instanceof Error ? error.message : String(error));
  }
}

function referenceOf(t) {
  return t.acte?.numeroInterne ?? t.pes?.nomFic ?? t.id;
}

async function refresh() {
  const filters = new FormData($('filters'));
  const page = await getJson('/api/v1/transmissions', { status: filters.get('status'), kind: filters.get('kind'), siren: filters.get('siren'), limit: 50 });
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
      const cells = [link, t.siren, t.kind === 'acte' ? 'Acte' : 'Flux PES', t.acte?.objet ?? '', STATUS_FR[t.status] ?? t.status, new Date(t.updatedAt).toLocaleString('fr-FR')];
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
  renderExchanges($('exchanges-section'), $('exchanges'), t, () => void openDetail(id).catch(fail));
  renderOutcomes($('outcomes-section'), $('outcomes'), t);
  $('history').replaceChildren(
    ...events.items.map((e) => {
      const item = document.createElement('li');
      item.textContent = `${new Date(e.recordedAt).toLocaleString('fr-FR')} — ${EVENTS_FR[e.type] ?? e.type}`;
      item.dataset.type = e.type;
      return item;
    }),
  );
}

/** The piece types the préfecture's classification allows for each nature (absent: only the generic one). */
let pieceTypes = {};

/** Fills both piece-type lists with those of the chosen nature, the generic one first (and chosen when nothing is sent). */
function fillPieceTypes() {
  const nature = $('nature').value;
  for (const id of ['typePJ', 'annexesTypePJ']) {
    const select = $(id);
    const kept = select.value;
    const generic = GENERIC_TYPE[nature];
    const types = (pieceTypes[nature] ?? []).filter((type) => type !== generic);
    select.replaceChildren(
      new Option(generic === undefined ? 'Le type générique de la nature' : `Le type générique de la nature (${generic})`, ''),
      ...types.map((type) => new Option(type, type)),
    );
    if (types.includes(kept)) select.value = kept;
  }
}

async function loadClassification(me) {
  $('collectivite').textContent = `SIREN ${me.siren ?? ''}`;
  const view = await getJson('/api/v1/classification', { siren: me.siren });
  const select = $('classification');
  const choices = view.codes.filter((code) => code.includes('.'));
  select.replaceChildren(new Option('Choisir…', ''), ...choices.map((code) => new Option(code, code)));
  pieceTypes = view.natures ?? {};
  fillPieceTypes();
}

/** A group administrator follows several collectivités: the list says whose each transmission is, and filters by it. */
function showFollowed(me) {
  const sirens = me.followedSirens ?? [];
  if (sirens.length < 2) return;
  $('siren-filter-label').hidden = false;
  $('siren-filter').append(...sirens.map((siren) => new Option(siren === me.siren ? `${siren} (la vôtre)` : siren, siren)));
  document.body.dataset.group = 'true';
}

async function start() {
  const me = await getJson('/api/v1/tokens/current');
  showFollowed(me);
  await Promise.all([loadClassification(me), refresh(), startPeople(me), startNotices(me)]);
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
$('nature').addEventListener('change', fillPieceTypes);
$('archive-form').addEventListener('submit', (event) =>
  void sendFile(event, {
    field: 'archive',
    path: '/api/v1/actes/archive',
    contentType: 'application/gzip',
    accepts: (name) => name.endsWith('.tar.gz') || name.endsWith('.tgz'),
    wrongType: 'Une archive @ctes est un fichier .tar.gz.',
    what: 'l’archive à importer',
  }),
);
$('pes-form').addEventListener('submit', (event) =>
  void sendFile(event, {
    field: 'pes',
    path: '/api/v1/pes',
    contentType: 'application/xml',
    accepts: (name) => name.endsWith('.xml'),
    wrongType: 'Un flux PES est un fichier .xml.',
    what: 'le fichier PES_Aller',
  }),
);
$('annulation').addEventListener('click', () => void askAnnulation());
$('filters').addEventListener('change', () => void refresh().catch(fail));
void start().then(() => {
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
