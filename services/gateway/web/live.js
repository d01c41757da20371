// The live stream of `/dashboard/live` (server-sent events on the page's session cookie).

/**
 * Follows the statistics: `onChange()` on connecting and whenever they move; `onState(state)` with
 * 'live', 'reconnecting' or 'ended'. The browser reconnects a broken stream by itself; a stream the
 * server refused (the session ended) is not retried here, the page says so instead.
 */
export function followLive({ onChange, onState, onSignedOut }) {
  let source = null;
  let retryTimer = null;

  const open = () => {
    source = new EventSource('/dashboard/live');
    source.addEventListener('ready', () => {
      onState('live');
      // Whatever moved between the page's first fetches and this connection.
      onChange();
    });
    source.addEventListener('stats', () => onChange());
    source.addEventListener('signedout', () => {
      source.close();
      onState('ended');
      onSignedOut();
    });
    source.addEventListener('error', () => {
      if (source.readyState === EventSource.CONNECTING) {
        onState('reconnecting');
        return;
      }
      // Closed: refused (401/403) or not an event stream. Try again later; a call will tell whether the session ended.
      onState('reconnecting');
      source.close();
      clearTimeout(retryTimer);
      retryTimer = setTimeout(open, 5000);
    });
  };
  open();
  return {
    stop() {
      clearTimeout(retryTimer);
      source?.close();
    },
  };
}
