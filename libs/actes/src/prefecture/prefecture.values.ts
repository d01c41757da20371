import { ID_ACTE_REGEX } from '../archive/archive.naming.js';
import { children, text } from '../import/archive-xml.nodes.js';
import { isCalendarDate } from '../validation/acte-metadata.check.js';
import { PrefectureMessageError, PrefectureMessageErrorCode } from './prefecture.errors.js';

/** An xsd:date: the day, then an optional time zone the result drops. */
const XSD_DATE = /^([0-9]{4}-[0-9]{2}-[0-9]{2})(?:Z|[+-](?:0[0-9]|1[0-4]):[0-5][0-9])?$/;

/** The trimmed, decoded text of the first child `name` of `node`. */
export function firstText(node: unknown, name: string): string | undefined {
  return text(children(node, name)[0])?.trim();
}

/** `ACTES.REPLY_INVALID` about `fileName`. */
export function invalid(fileName: string, message: string): PrefectureMessageError {
  return new PrefectureMessageError(PrefectureMessageErrorCode.Invalid, fileName, message);
}

/** `value`, unless it is absent or empty. */
export function required(fileName: string, what: string, value: string | undefined): string {
  if (value === undefined || value === '') throw invalid(fileName, `${what} is missing`);
  return value;
}

/** An IDActe `DPT-SIREN-YYYYMMDD-NUMERO-NAT`. */
export function requireIdActe(fileName: string, value: string | undefined): string {
  const id = required(fileName, 'IDActe', value);
  if (!ID_ACTE_REGEX.test(id)) throw invalid(fileName, `IDActe ${id} is not DPT-SIREN-YYYYMMDD-NUMERO-NAT`);
  return id;
}

/** A SIREN: 9 digits. */
export function requireSiren(fileName: string, what: string, value: string | undefined): string {
  const siren = required(fileName, what, value);
  if (!/^[0-9]{9}$/.test(siren)) throw invalid(fileName, `${what} ${siren} is not 9 digits`);
  return siren;
}

/** An xsd:date that exists in the calendar, as `YYYY-MM-DD` (a time zone, which @ctes never needs, dropped). */
export function requireDate(fileName: string, what: string, value: string | undefined): string {
  const raw = required(fileName, what, value?.trim());
  const day = XSD_DATE.exec(raw)?.[1];
  if (day === undefined || !isCalendarDate(day)) throw invalid(fileName, `${what} ${raw} is not a date`);
  return day;
}
