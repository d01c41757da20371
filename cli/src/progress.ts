/**
 * A progress line with rate and ETA on stderr: redrawn in place on a terminal, a plain line every few
 * seconds otherwise (CI logs), nothing with `--quiet`. stdout stays for the result.
 */

/** What a progress line says, computed from counts and elapsed time alone. Pure. */
export function progressLine(label: string, done: number, total: number | undefined, elapsedMs: number, width = 24): string {
  const rate = elapsedMs > 0 ? (done * 1000) / elapsedMs : 0;
  const rateText = `${Math.round(rate).toLocaleString('en-US')}/s`;
  if (total === undefined || total <= 0) return `${label} ${done.toLocaleString('en-US')} ${rateText}`;
  const share = Math.min(1, done / total);
  const filled = Math.round(share * width);
  const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
  const eta = rate > 0 && done < total ? ` ETA ${duration((total - done) / rate)}` : '';
  return `${label} ${bar} ${(share * 100).toFixed(1)}% ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} ${rateText}${eta}`;
}

/** Seconds as `1h02m`, `3m05s` or `12s`. */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s >= 3600) return `${Math.floor(s / 3600).toString()}h${Math.floor((s % 3600) / 60).toString().padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60).toString()}m${(s % 60).toString().padStart(2, '0')}s`;
  return `${s.toString()}s`;
}

export interface Progress {
  update(done: number): void;
  finish(done: number): void;
}

/** A progress reporter on `stream` (stderr by default). */
export function progress(label: string, total: number | undefined, options: { quiet?: boolean; stream?: NodeJS.WriteStream } = {}): Progress {
  const stream = options.stream ?? process.stderr;
  const started = Date.now();
  const tty = stream.isTTY;
  let lastDrawn = 0;
  const draw = (done: number, final: boolean) => {
    if (options.quiet === true) return;
    const now = Date.now();
    if (!final && now - lastDrawn < (tty ? 100 : 5000)) return;
    lastDrawn = now;
    const line = progressLine(label, done, total, now - started);
    stream.write(tty ? `\r${line}\x1b[K${final ? '\n' : ''}` : `${line}\n`);
  };
  return { update: (done) => { draw(done, false); }, finish: (done) => { draw(done, true); } };
}
