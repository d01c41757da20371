import { StampError, StampErrorCode } from './errors.js';

const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** An ISO 8601 instant with its offset (`Z` or `±hh:mm`), as events carry them. */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** The date in metropolitan France: the préfecture's and the collectivité's calendar. */
const parisDate = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', day: '2-digit', month: '2-digit', year: 'numeric' });

/**
 * A date as French documents print it, `DD/MM/YYYY`. `value` is either a calendar date `YYYY-MM-DD`
 * (an AR's DateReception), printed as is, or an ISO 8601 instant (an event's `at`), printed as the
 * date it was in Paris at that instant. Anything else is `STAMP.INVALID_FACTS`. Pure.
 */
export function frenchDate(value: string, field = 'date'): string {
  const calendar = CALENDAR_DATE.exec(value);
  if (calendar !== null) {
    const [, year = '', month = '', day = ''] = calendar;
    const check = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
    if (check.getUTCFullYear() === Number(year) && check.getUTCMonth() === Number(month) - 1 && check.getUTCDate() === Number(day)) {
      return `${day}/${month}/${year}`;
    }
  } else if (INSTANT.test(value)) {
    const instant = new Date(value);
    if (!Number.isNaN(instant.getTime())) {
      const parts = Object.fromEntries(parisDate.formatToParts(instant).map((part) => [part.type, part.value]));
      const { day, month, year } = parts;
      if (day !== undefined && month !== undefined && year !== undefined) return `${day}/${month}/${year}`;
    }
  }
  throw new StampError(StampErrorCode.InvalidFacts, `${field} is neither a date YYYY-MM-DD nor an ISO 8601 instant: ${JSON.stringify(value.slice(0, 40))}`);
}
