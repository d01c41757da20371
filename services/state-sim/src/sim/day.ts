/** The UTC day of `at`, `YYYY-MM-DD`: the date the simulated préfecture writes in its messages. */
export function utcDay(at: Date = new Date()): string {
  return at.toISOString().slice(0, 10);
}

/** Whether `value` is an `xsd:date` without time zone that exists in the calendar (`2019-03-01`). */
export function isIsoDay(value: string): boolean {
  if (!/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(value)) return false;
  const at = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(at.getTime()) && utcDay(at) === value;
}
