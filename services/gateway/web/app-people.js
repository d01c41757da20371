// The users and tokens of a collectivité, for its administrators, on /app: add a user, disable one
// (their tokens revoked at once), issue a token to a user (its secret shown once), revoke a token.
import { ApiFailure, getJson, post, remove } from './api.js';

const STATE_FR = { active: 'Actif', expired: 'Expiré', revoked: 'Révoqué' };
const CODES_FR = {
  'USER.EMAIL_TAKEN': 'Un utilisateur a déjà cette adresse.',
  'REQUEST.INVALID_BODY': 'Vérifiez l’adresse et le nom.',
  'AUTH.NOT_COLLECTIVITE_ADMIN': 'Vous n’administrez pas les accès de la collectivité.',
};

const $ = (id) => document.getElementById(id);
const frenchDate = (iso) => (iso === undefined ? '—' : new Date(iso).toLocaleString('fr-FR'));

function cell(content) {
  const td = document.createElement('td');
  td.append(content);
  return td;
}

function actionButton(text, label, onClick) {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'quiet';
  button.textContent = text;
  button.setAttribute('aria-label', label);
  button.addEventListener('click', onClick);
  return button;
}

function say(text) {
  const status = $('user-status');
  status.textContent = text;
}

function failure(error) {
  return error instanceof ApiFailure ? `${CODES_FR[error.code] ?? error.message} (${error.code})` : String(error);
}

async function load() {
  const [users, tokens] = await Promise.all([getJson('/api/v1/collectivite/users'), getJson('/api/v1/collectivite/tokens')]);
  const names = new Map(users.items.map((user) => [user.id, user.name]));
  $('users').tBodies[0].replaceChildren(
    ...users.items.map((user) => {
      const row = document.createElement('tr');
      row.dataset.email = user.email;
      const actions = document.createElement('span');
      if (user.disabledAt === undefined) {
        actions.append(
          actionButton('Nouveau jeton', `Nouveau jeton pour ${user.name}`, () => void issue(user)),
          ' ',
          actionButton('Désactiver', `Désactiver ${user.name}`, () => void disable(user)),
        );
      }
      row.append(
        cell(user.name),
        cell(user.email),
        cell(user.collectiviteAdmin ? 'Administrateur' : 'Agent'),
        cell(user.disabledAt === undefined ? 'Actif' : `Désactivé le ${frenchDate(user.disabledAt)}`),
        cell(actions),
      );
      return row;
    }),
  );
  $('tokens').tBodies[0].replaceChildren(
    ...tokens.items.map((token) => {
      const row = document.createElement('tr');
      row.dataset.id = token.id;
      row.dataset.state = token.state;
      const label = token.label ?? token.id.slice(0, 8);
      const actions = token.state === 'active' ? actionButton('Révoquer', `Révoquer le jeton ${label}`, () => void revoke(token, label)) : '';
      row.append(
        cell(label),
        cell(token.userId === undefined ? 'Logiciel' : (names.get(token.userId) ?? token.userId)),
        cell(STATE_FR[token.state] ?? token.state),
        cell(frenchDate(token.lastUsedAt)),
        cell(frenchDate(token.expiresAt)),
        cell(actions),
      );
      return row;
    }),
  );
}

async function issue(user) {
  try {
    const issued = await post(`/api/v1/collectivite/users/${user.id}/tokens`, { label: `Jeton de ${user.name}`.slice(0, 100) });
    const shown = $('new-token');
    shown.textContent = `Jeton de ${user.name}, à lui transmettre : il ne sera plus affiché. ${issued.token}`;
    shown.hidden = false;
    await load();
  } catch (error) {
    say(failure(error));
  }
}

async function disable(user) {
  if (!window.confirm(`Désactiver ${user.name} ? Ses jetons seront révoqués immédiatement.`)) return;
  try {
    await remove(`/api/v1/collectivite/users/${user.id}`);
    say(`${user.name} est désactivé ; ses jetons ne servent plus.`);
    await load();
  } catch (error) {
    say(failure(error));
  }
}

async function revoke(token, label) {
  if (!window.confirm(`Révoquer le jeton ${label} ? Le logiciel ou la personne qui s’en sert perdra l’accès immédiatement.`)) return;
  try {
    await remove(`/api/v1/collectivite/tokens/${token.id}`);
    say(`Jeton ${label} révoqué.`);
    await load();
  } catch (error) {
    say(failure(error));
  }
}

async function addUser(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const email = form.elements.email.value.trim();
  const name = form.elements.name.value.trim();
  const errors = {
    'user-email': /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) ? '' : 'Indiquez une adresse électronique valide.',
    'user-name': name === '' ? 'Indiquez le nom de la personne.' : '',
  };
  let first;
  for (const [id, message] of Object.entries(errors)) {
    $(`${id}-error`).textContent = message;
    $(`${id}-error`).hidden = message === '';
    if (message === '') $(id).removeAttribute('aria-invalid');
    else {
      $(id).setAttribute('aria-invalid', 'true');
      first ??= $(id);
    }
  }
  if (first !== undefined) return first.focus();
  try {
    await post('/api/v1/collectivite/users', { email, name, collectiviteAdmin: form.elements.collectiviteAdmin.checked });
    form.reset();
    say(`${name} peut maintenant recevoir un jeton ou se connecter par l’authentification unique.`);
    await load();
  } catch (error) {
    if (error instanceof ApiFailure && error.code === 'USER.EMAIL_TAKEN') {
      $('user-email-error').textContent = failure(error);
      $('user-email-error').hidden = false;
      $('user-email').focus();
    } else say(failure(error));
  }
}

/** Shows the section to a collectivité's administrator (`me` from GET /api/v1/tokens/current). */
export async function startPeople(me) {
  if (me.collectiviteAdmin !== true) return;
  $('people').hidden = false;
  $('user-form').addEventListener('submit', (event) => void addUser(event));
  await load();
}
