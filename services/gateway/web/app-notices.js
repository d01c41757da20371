// A named user's e-mail notices on /app: which statuses of the collectivité's transmissions and which
// messages of the préfecture they want to be told of by e-mail (PUT /api/v1/users/me/notices).
import { ApiFailure, getJson, put } from './api.js';

const STATUSES = [
  ['acknowledged', 'Accusé de réception de l’État'],
  ['rejected', 'Refusé à la vérification'],
  ['nacked', 'Refusé par l’État'],
  ['partially_accepted', 'Accepté en partie (PES)'],
  ['failed', 'Échec d’envoi'],
  ['cancelled', 'Annulé'],
  ['received', 'Reçu par la plateforme'],
  ['sent', 'Envoyé'],
];

const MESSAGES = [
  ['1-2', 'Accusé de réception d’un acte (1-2)'],
  ['1-3', 'Anomalie d’un acte (1-3)'],
  ['anomalie-enveloppe', 'Anomalie d’enveloppe'],
  ['2-1', 'Courrier simple (2-1)'],
  ['3-1', 'Demande de pièces complémentaires (3-1)'],
  ['3-5', 'Réception de vos pièces complémentaires (3-5)'],
  ['4-1', 'Lettre d’observations (4-1)'],
  ['4-5', 'Réception de votre réponse aux observations (4-5)'],
  ['5-1', 'Déféré au tribunal administratif (5-1)'],
  ['6-2', 'Annulation d’un acte reçue (6-2)'],
];

const $ = (id) => document.getElementById(id);

function boxes(fieldset, name, choices, chosen) {
  fieldset.append(
    ...choices.map(([value, label]) => {
      const line = document.createElement('label');
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.name = name;
      box.value = value;
      box.checked = chosen.includes(value);
      line.append(box, ` ${label}`);
      return line;
    }),
  );
}

function checked(form, name) {
  return [...form.querySelectorAll(`input[name="${name}"]:checked`)].map((box) => box.value);
}

/** Shows the notices of the signed-in user (`me` from GET /api/v1/tokens/current); a token that is no user's has none, and sees nothing. */
export async function startNotices(me) {
  if (me.userId === undefined) return;
  const view = await getJson('/api/v1/users/me/notices');
  const form = $('notices-form');
  $('notices').hidden = false;
  $('notices-email').textContent = view.email;
  boxes($('notices-statuses'), 'statuses', STATUSES, view.statuses);
  boxes($('notices-messages'), 'messageTypes', MESSAGES, view.messageTypes);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const status = $('notices-status');
    status.textContent = '';
    put('/api/v1/users/me/notices', { statuses: checked(form, 'statuses'), messageTypes: checked(form, 'messageTypes') }).then(
      (saved) => {
        const count = saved.statuses.length + saved.messageTypes.length;
        status.textContent = count === 0 ? 'Enregistré : vous ne recevrez aucun avis.' : `Enregistré : ${count} avis par courriel à ${saved.email}.`;
      },
      (failure) => {
        status.textContent = failure instanceof ApiFailure ? `${failure.message} (${failure.code})` : String(failure);
      },
    );
  });
}
