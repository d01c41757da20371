// Calls to the gateway's API on the page's session (the cookie, same origin; never a token in a URL).

/** A refusal or failure of a call, with its stable code. */
export class ApiFailure extends Error {
  constructor(status, code, message, retryAfterSeconds) {
    super(message);
    this.name = 'ApiFailure';
    this.status = status;
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

let clockOffsetMs = 0;
const sessionEndedListeners = new Set();

/** The server's time now, as far as the `Date` headers tell (so that a skewed browser clock does not shift the period). */
export function serverNow() {
  return Date.now() + clockOffsetMs;
}

/** Calls `listener(failure)` when a call finds the session ended. */
export function onSessionEnded(listener) {
  sessionEndedListeners.add(listener);
}

function learnClock(response) {
  const date = Date.parse(response.headers.get('date') ?? '');
  // The header has whole seconds: only a clear skew is corrected.
  if (Number.isFinite(date) && Math.abs(date - Date.now()) > 2000) clockOffsetMs = date - Date.now();
  else if (Number.isFinite(date)) clockOffsetMs = 0;
}

async function failureOf(response) {
  let code = `HTTP.${response.status}`;
  let message = response.statusText || 'The call failed';
  try {
    const body = await response.json();
    const first = body?.errors?.[0];
    if (first) {
      code = first.code;
      message = first.message;
    }
  } catch {
    // Not our JSON error body (a proxy's page): keep the status.
  }
  const retryAfter = Number(response.headers.get('retry-after'));
  return new ApiFailure(response.status, code, message, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined);
}

async function call(method, path, params, signal, json) {
  const url = new URL(path, window.location.origin);
  for (const [name, value] of Object.entries(params ?? {})) {
    if (value !== undefined && value !== null && value !== '') url.searchParams.set(name, value instanceof Date ? value.toISOString() : String(value));
  }
  const headers = json === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' };
  const body = json === undefined ? undefined : JSON.stringify(json);
  const response = await fetch(url, { method, credentials: 'same-origin', headers, body, signal, cache: 'no-store' });
  learnClock(response);
  if (!response.ok) {
    const failure = await failureOf(response);
    if (response.status === 401) for (const listener of sessionEndedListeners) listener(failure);
    throw failure;
  }
  return response.status === 204 ? undefined : response.json();
}

/** GET `path` with `params` in its query. */
export function getJson(path, params, signal) {
  return call('GET', path, params, signal);
}

/** POST `path` with `json` as its body, or none (the browser adds the Origin header the gateway checks). */
export function post(path, json) {
  return call('POST', path, undefined, undefined, json);
}

/** PUT `json` at `path`. */
export function put(path, json) {
  return call('PUT', path, undefined, undefined, json);
}

/** DELETE `path`. */
export function remove(path) {
  return call('DELETE', path, undefined, undefined);
}
