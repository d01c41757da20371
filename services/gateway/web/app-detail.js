// One transmission's parts beyond its status on /app: the préfecture's letters about an acte with the
// collectivité's answers (2-2, 3-3/3-4, 4-3/4-4), and Hélios's verdict on each bordereau and PJ of a
// PES file. Rendered again only when what they show changed, so that a reply being written survives
// the page's refresh.
import { upload, withProgress } from './upload.js';

const LETTERS_FR = {
  '2-1': 'Courrier simple',
  '3-1': 'Demande de pièces complémentaires',
  '4-1': 'Lettre d’observations',
  '5-1': 'Déféré au tribunal administratif',
};

const REPLIES_FR = {
  '2-2': 'Réponse au courrier simple',
  '3-2': 'Accusé de réception de la demande (envoyé par la plateforme)',
  '3-3': 'Refus de transmettre les pièces',
  '3-4': 'Envoi des pièces complémentaires',
  '4-2': 'Accusé de réception de la lettre (envoyé par la plateforme)',
  '4-3': 'Rejet de la lettre d’observations',
  '4-4': 'Réponse à la lettre d’observations',
};

/** The answers a collectivité may give to each letter (DOMAIN.md §1.3); a déféré takes none. */
export const ANSWERS = { '2-1': ['2-2'], '3-1': ['3-4', '3-3'], '4-1': ['4-4', '4-3'], '5-1': [] };

/** French words for the refusals of a reply; otherwise the gateway's own message is shown. */
const REPLY_CODES_FR = {
  'REPLY.DOCUMENT_COUNT': 'Joignez un document (un ou plusieurs pour l’envoi de pièces).',
  'REPLY.DOCUMENT_EMPTY': 'Un des fichiers est vide.',
  'REPLY.DOCUMENT_FORMAT_INVALID': 'Les documents doivent être des PDF, XML, PNG ou JPEG.',
  'REPLY.DOCUMENT_NOT_PDF': 'Un fichier nommé .pdf n’est pas un PDF.',
  'REPLY.DOCUMENT_TRUNCATED': 'Un des PDF est incomplet.',
  'REPLY.DOCUMENT_ENCRYPTED': 'Un des PDF est protégé par un mot de passe : la préfecture ne pourrait pas le lire.',
  'TRANSMISSION.REPLY_NOT_ALLOWED': 'Cette réponse n’est plus possible : le courrier a déjà reçu une réponse, ou l’acte a été annulé.',
};

const frenchDate = (iso) => new Date(iso).toLocaleString('fr-FR');

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className !== undefined) node.className = className;
  return node;
}

function fileLink(transmissionId, file) {
  const link = element('a', file.name);
  link.href = `/api/v1/transmissions/${transmissionId}/files/${file.sha256}`;
  link.download = file.name;
  return link;
}

/** Whether the collectivité has answered the letter itself (the platform's 3-2 / 4-2 receipts are no answer). */
function answered(exchange) {
  const mine = ANSWERS[exchange.code] ?? [];
  return exchange.replies.some((reply) => mine.includes(reply.code));
}

/** The form that answers one letter: the kind of answer, its documents, and a send button. */
function replyForm(transmissionId, exchange, onSent) {
  const prefix = `reply-${exchange.number}`;
  const form = element('form', undefined, 'acte-form reply-form');
  form.noValidate = true;
  form.dataset.exchange = String(exchange.number);
  const choices = ANSWERS[exchange.code];

  const codeField = element('div', undefined, 'field');
  const codeLabel = element('label', 'Votre réponse *');
  codeLabel.htmlFor = `${prefix}-code`;
  const select = element('select');
  select.id = `${prefix}-code`;
  select.name = 'code';
  for (const code of choices) select.append(new Option(`${REPLIES_FR[code]} (${code})`, code));
  codeField.append(codeLabel, select);

  const filesField = element('div', undefined, 'field');
  const filesLabel = element('label', 'Documents (PDF, XML, PNG ou JPEG) *');
  filesLabel.htmlFor = `${prefix}-documents`;
  const files = element('input');
  files.type = 'file';
  files.id = `${prefix}-documents`;
  files.name = 'documents';
  files.accept = 'application/pdf,.pdf,.xml,.png,.jpg,.jpeg';
  files.multiple = exchange.code === '3-1';
  const error = element('p', undefined, 'field-error');
  error.id = `${prefix}-documents-error`;
  error.hidden = true;
  files.setAttribute('aria-describedby', error.id);
  filesField.append(filesLabel, files, error);

  const actions = element('div', undefined, 'actions');
  const button = element('button', 'Envoyer la réponse');
  button.type = 'submit';
  const progress = element('progress');
  progress.max = 100;
  progress.hidden = true;
  progress.setAttribute('aria-label', 'Envoi de la réponse');
  const status = element('p', undefined, 'muted');
  status.setAttribute('role', 'status');
  status.id = `${prefix}-status`;
  actions.append(button, progress, status);
  form.append(codeField, filesField, actions);

  const showError = (message) => {
    error.textContent = message;
    error.hidden = message === '';
    if (message === '') files.removeAttribute('aria-invalid');
    else {
      files.setAttribute('aria-invalid', 'true');
      files.focus();
    }
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const chosen = [...files.files];
    status.textContent = '';
    if (chosen.length === 0) return showError('Joignez le document de votre réponse.');
    if (exchange.code !== '3-1' && chosen.length > 1) return showError('Cette réponse porte un seul document.');
    showError('');
    const body = new FormData();
    body.append('metadata', JSON.stringify({ code: select.value }));
    for (const file of chosen) body.append('documents', file, file.name);
    void withProgress(button, progress, (onProgress) =>
      upload(`/api/v1/actes/${transmissionId}/exchanges/${exchange.number}/replies`, body, { idempotencyKey: crypto.randomUUID(), onProgress }),
    ).then(
      ({ status: code, body: answer }) => {
        if (code === 202) {
          status.textContent = 'Réponse enregistrée ; elle part vers la préfecture.';
          onSent();
          return;
        }
        const first = answer.errors?.[0];
        const message = first === undefined ? `La réponse n’a pas été envoyée (${code}).` : `${REPLY_CODES_FR[first.code] ?? first.message} (${first.code})`;
        if (first?.field === 'code') status.textContent = message;
        else showError(message);
      },
      (failure) => {
        status.textContent = failure instanceof Error ? failure.message : String(failure);
      },
    );
  });
  return form;
}

/** One letter with its documents, the answers given, the préfecture's receipt of them, and a reply form while one may be given. */
function exchangeItem(transmissionId, exchange, onSent) {
  const item = element('li', undefined, 'exchange');
  item.dataset.code = exchange.code;
  item.dataset.number = String(exchange.number);
  item.append(element('h4', `${LETTERS_FR[exchange.code] ?? exchange.code} (${exchange.code}) — reçu le ${frenchDate(exchange.receivedAt)}`));
  if (exchange.text !== null && exchange.text !== '') item.append(element('p', exchange.text, 'letter-text'));
  if (exchange.documents.length > 0) {
    const documents = element('p', 'Documents : ');
    exchange.documents.forEach((file, i) => {
      if (i > 0) documents.append(' · ');
      documents.append(fileLink(transmissionId, file));
    });
    item.append(documents);
  }
  if (exchange.replies.length > 0) {
    const replies = element('ul', undefined, 'replies');
    for (const reply of exchange.replies) {
      const line = element('li', `${REPLIES_FR[reply.code] ?? reply.code} (${reply.code}) — ${reply.sentAt ? `envoyée le ${frenchDate(reply.sentAt)}` : 'en cours d’envoi'}`);
      line.dataset.code = reply.code;
      for (const file of reply.documents) line.append(' · ', fileLink(transmissionId, file));
      replies.append(line);
    }
    item.append(replies);
  }
  if (exchange.replyReceipt !== undefined) item.append(element('p', `Réponse reçue par la préfecture le ${frenchDate(exchange.replyReceipt.at)} (${exchange.replyReceipt.code}).`, 'muted'));
  if ((ANSWERS[exchange.code] ?? []).length > 0 && !answered(exchange)) item.append(replyForm(transmissionId, exchange, onSent));
  else if (exchange.code === '5-1') item.append(element('p', 'Un déféré ne prend pas de réponse ici : il se poursuit devant le tribunal administratif.', 'muted'));
  return item;
}

/** Shows the letters of `transmission` (an acte) in `list`, unless they are those already shown. */
export function renderExchanges(section, list, transmission, onSent) {
  const exchanges = transmission.acte?.exchanges ?? [];
  section.hidden = exchanges.length === 0;
  const signature = `${transmission.id}:${JSON.stringify(exchanges)}`;
  if (list.dataset.signature === signature) return;
  list.dataset.signature = signature;
  list.replaceChildren(...exchanges.map((exchange) => exchangeItem(transmission.id, exchange, onSent)));
}

function elementName(outcome) {
  const e = outcome.element;
  if (e.kind === 'bordereau') return `Bordereau n° ${e.numBord} (exercice ${e.exercice})`;
  if (e.kind === 'pj') return `Pièce justificative ${e.idUnique}`;
  return JSON.stringify(e);
}

/** Shows Hélios's verdict per bordereau and PJ of `transmission` (a PES file), when it came. */
export function renderOutcomes(section, table, transmission) {
  const outcomes = transmission.pes?.outcomes ?? [];
  section.hidden = outcomes.length === 0;
  table.tBodies[0].replaceChildren(
    ...outcomes.map((outcome) => {
      const row = element('tr');
      row.dataset.accepted = String(outcome.accepted);
      row.append(
        element('td', elementName(outcome)),
        element('td', outcome.accepted ? 'Accepté' : 'Refusé', outcome.accepted ? 'ok' : 'refused'),
        element('td', outcome.errors.map((e) => `${e.message} (${e.code})`).join(' ')),
      );
      return row;
    }),
  );
}
