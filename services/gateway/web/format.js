// Numbers, durations and times as a supervisor reads them, and the periods the page offers.

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The periods of the range selector, each with the bucket that gives a readable chart (≤ 400 points). */
export const RANGES = [
  { key: '1h', label: 'last hour', ms: HOUR, bucket: 'minute' },
  { key: '24h', label: 'last 24 hours', ms: DAY, bucket: 'hour' },
  { key: '7d', label: 'last 7 days', ms: 7 * DAY, bucket: 'hour' },
  { key: '30d', label: 'last 30 days', ms: 30 * DAY, bucket: 'day' },
  { key: '1y', label: 'last year', ms: 365 * DAY, bucket: 'day' },
];

export const BUCKET_MS = { minute: 60_000, hour: HOUR, day: DAY };

/**
 * The half-open period [from, to) of a range at `now`: it ends with the bucket holding `now`, so the
 * chart's last bar is the current minute, hour or day, and the figures include everything up to now.
 */
export function periodOf(range, now) {
  const length = BUCKET_MS[range.bucket];
  const to = Math.ceil((now + 1) / length) * length;
  return { from: new Date(to - range.ms), to: new Date(to), bucket: range.bucket };
}

const counts = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });

/** A count, grouped by thousands. */
export function formatCount(n) {
  return typeof n === 'number' && Number.isFinite(n) ? counts.format(n) : '–';
}

/** A share as a percentage, or '' when there is nothing to divide. */
export function formatShare(part, whole) {
  if (!whole) return '';
  const share = (100 * part) / whole;
  return `${share >= 99.95 || share === 0 ? share.toFixed(0) : share.toFixed(1)} %`;
}

/** A duration: 320 ms, 4.2 s, 3 min 10 s, 2 h 05 min, 3 d 4 h. */
export function formatDuration(ms) {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 10) return `${s.toFixed(1)} s`;
  if (s < 60) return `${Math.round(s)} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min ${String(Math.floor(s % 60)).padStart(2, '0')} s`;
  const h = Math.floor(min / 60);
  if (h < 48) return `${h} h ${String(min % 60).padStart(2, '0')} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

/** Bytes in binary units. */
export function formatBytes(bytes) {
  if (!Number.isFinite(bytes)) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value >= 10 || unit === 0 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

const timeOfDay = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const dateTime = new Intl.DateTimeFormat(undefined, { day: '2-digit', month: 'short', hour: '2-digit', minute: '2-digit', second: '2-digit' });

/** An instant, with its date unless it is today. */
export function formatInstant(iso) {
  if (!iso) return '–';
  const at = new Date(iso);
  return at.toDateString() === new Date().toDateString() ? timeOfDay.format(at) : dateTime.format(at);
}

const minuteLabel = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const hourLabel = new Intl.DateTimeFormat(undefined, { weekday: 'short', hour: '2-digit', minute: '2-digit' });
const dayLabel = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });

/** The axis label of a bucket starting at `iso`. */
export function bucketLabel(iso, bucket) {
  const at = new Date(iso);
  if (bucket === 'minute') return minuteLabel.format(at);
  if (bucket === 'hour') return hourLabel.format(at);
  return dayLabel.format(at);
}

/** Status names as shown. */
export function statusLabel(status) {
  return String(status).replace(/_/g, ' ');
}

/** Event types as shown: `TransmissionDeliveryAttemptFailed` → `Delivery attempt failed`. */
export function eventLabel(type) {
  const words = String(type).replace(/^Transmission/, '').replace(/([a-z])([A-Z])/g, '$1 $2');
  return words.charAt(0).toUpperCase() + words.slice(1).toLowerCase();
}
