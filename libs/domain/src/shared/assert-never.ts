/**
 * The `default` of a switch that covers every member of a union: the compiler refuses the call if a
 * member is left out, and at run time it reports a value that the types said could not exist (data
 * from outside that slipped past decoding).
 */
export function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${JSON.stringify(value)}`);
}
