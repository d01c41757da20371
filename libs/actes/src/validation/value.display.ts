/** The metadata as a client may really send them: any field of any JSON type, or none. */
export type Loose<T> = { readonly [K in keyof T]?: unknown };

/**
 * A value for a French message, whatever it is (a string as is; a number, `null`, a list in JSON);
 * never throws, even on an object whose `toString` or `toJSON` does. Long values are cut.
 */
export function shown(value: unknown): string {
  let text: string;
  if (typeof value === 'string') {
    text = value;
  } else {
    try {
      // undefined, a function, a symbol (and an object whose toJSON gives one) have no JSON form.
      const json: unknown = JSON.stringify(value);
      text = typeof json === 'string' ? json : typeof value;
    } catch {
      text = typeof value;
    }
  }
  const chars = Array.from(text);
  return chars.length > 80 ? `${chars.slice(0, 80).join('')}…` : text;
}
