// Sending a file or a form to the gateway on the page's session, with its progress: fetch cannot
// report an upload's progress, XMLHttpRequest can. Same origin, so the browser adds the Origin
// header the gateway checks; the session cookie goes with it.

/**
 * POSTs `body` (a FormData, or a File sent as is under `contentType`) to `path`; calls
 * `onProgress(percent)` as it goes. Resolves with the answer's status and JSON body (`{}` if none);
 * rejects only when the network cut the request.
 */
export function upload(path, body, { contentType, idempotencyKey, onProgress } = {}) {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', path);
    // A retry of this very submission (a lost answer) creates nothing new.
    if (idempotencyKey !== undefined) request.setRequestHeader('Idempotency-Key', idempotencyKey);
    if (contentType !== undefined) request.setRequestHeader('Content-Type', contentType);
    request.setRequestHeader('Accept', 'application/json');
    request.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable && onProgress !== undefined) onProgress(Math.round((100 * event.loaded) / event.total));
    });
    request.addEventListener('load', () => {
      let json = {};
      try {
        json = JSON.parse(request.responseText);
      } catch {
        // Not JSON: the status says enough.
      }
      resolve({ status: request.status, body: json });
    });
    request.addEventListener('error', () => reject(new Error('Le réseau a coupé l’envoi : réessayez.')));
    request.send(body);
  });
}

/** Runs `task` with `button` disabled and `progress` shown and moving; puts both back after. */
export async function withProgress(button, progress, task) {
  button.disabled = true;
  progress.hidden = false;
  progress.value = 0;
  try {
    return await task((percent) => {
      progress.value = percent;
    });
  } finally {
    button.disabled = false;
    progress.hidden = true;
  }
}
