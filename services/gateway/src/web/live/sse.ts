/**
 * One server-sent event (the `text/event-stream` format of the HTML standard): its type, and its data
 * on as many `data:` lines as it has lines.
 */
export function sseEvent(type: string, data: string, id?: string): string {
  if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(type)) throw new Error(`Not an event type: ${type}`);
  const lines = [`event: ${type}`];
  if (id !== undefined) lines.push(`id: ${id.replace(/[\r\n]/g, '')}`);
  for (const line of data.split(/\r\n|\r|\n/)) lines.push(`data: ${line}`);
  return `${lines.join('\n')}\n\n`;
}

/** A comment line: ignored by the browser, it keeps proxies from closing an idle connection. */
export function sseComment(text: string): string {
  return `: ${text.replace(/[\r\n]+/g, ' ')}\n\n`;
}

/** How long the browser waits before reconnecting after the stream breaks. */
export function sseRetry(ms: number): string {
  return `retry: ${Math.max(0, Math.floor(ms)).toString()}\n\n`;
}
