/** Deeper than this, the exact path decides (and reports a cycle as JSON.stringify would). */
const MAX_DEPTH = 256;
/** A lone surrogate or U+0000: the exact path decides (and refuses them). Pairs are fine. */
const SUSPICIOUS = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]|\u0000/;

/**
 * The RFC 8785 text of a value made only of plain objects, dense arrays, strings, finite numbers,
 * booleans and null (object members whose value is `undefined` are left out, as JSON.stringify does),
 * in one pass; `undefined` for anything else, which then takes the exact path
 * (`canonicalize(JSON.parse(JSON.stringify(value)))`). A unit test holds both paths equal.
 * Payloads are plain JSON almost always, and the exact path costs three passes.
 */
export function fastCanonical(value: unknown, depth = 0): string | undefined {
  switch (typeof value) {
    case 'string':
      return fastString(value);
    case 'number':
      // ECMAScript's Number to String is RFC 8785's number form (and String(-0) is "0").
      return Number.isFinite(value) ? String(value) : undefined;
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      if (depth >= MAX_DEPTH) return undefined;
      return Array.isArray(value) ? fastArray(value, depth) : fastObject(value, depth);
    case 'undefined':
    case 'bigint':
    case 'function':
    case 'symbol':
      return undefined;
  }
}

/** RFC 8785 string form (ECMAScript's JSON.stringify), without a call for the common plain case. */
function fastString(text: string): string | undefined {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // Controls, '"', '\\' and surrogates: the general path.
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) {
      return SUSPICIOUS.test(text) ? undefined : JSON.stringify(text);
    }
  }
  return `"${text}"`;
}

function fastArray(array: readonly unknown[], depth: number): string | undefined {
  let text = '[';
  for (let i = 0; i < array.length; i++) {
    if (!(i in array)) return undefined;
    const part = fastCanonical(array[i], depth + 1);
    if (part === undefined) return undefined;
    text += i === 0 ? part : `,${part}`;
  }
  return `${text}]`;
}

function fastObject(object: object, depth: number): string | undefined {
  const proto = Object.getPrototypeOf(object) as unknown;
  if (proto !== Object.prototype && proto !== null) return undefined;
  if ('toJSON' in object) return undefined;
  const record = object as Record<string, unknown>;
  let text = '{';
  // Default sort: by UTF-16 code units, RFC 8785's member order.
  for (const key of Object.keys(record).sort()) {
    const member = record[key];
    if (member === undefined) continue;
    const name = fastString(key);
    const part = name === undefined ? undefined : fastCanonical(member, depth + 1);
    if (part === undefined) return undefined;
    text += text.length === 1 ? `${name as string}:${part}` : `,${name as string}:${part}`;
  }
  return `${text}}`;
}
