import { appendFileSync } from 'node:fs';
import fc from 'fast-check';

/**
 * The one place where fast-check's parameters are set for the `*.fuzz.spec.ts` files. In `npm test`
 * every property runs a modest number of cases from a fixed seed, so that CI is repeatable and quick;
 * `npm run test:fuzz` sets `FUZZ_RUNS` (cases per property, 20,000 there) and a fresh `FUZZ_SEED`, and
 * prints the seed, so that a failure found by a long run can be replayed with `FUZZ_SEED=<seed>`.
 * `FUZZ_REPORT` names a file where each property appends one JSON line (name, cases, seed), from which
 * the long run prints the volume per parser.
 */

/** The seed of every run unless `FUZZ_SEED` says otherwise. */
export const DEFAULT_FUZZ_SEED = 20_261_127;

/** Cases per property in `npm test` for a pure parser, the unit `FUZZ_RUNS` scales. */
export const DEFAULT_FUZZ_RUNS = 200;

function positiveInteger(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${name} must be a whole number above 0: ${raw}`);
  return value;
}

/** The seed in use: `FUZZ_SEED`, else {@link DEFAULT_FUZZ_SEED}. */
export function fuzzSeed(): number {
  const raw = process.env['FUZZ_SEED'];
  if (raw === undefined || raw === '') return DEFAULT_FUZZ_SEED;
  const value = Number(raw);
  // fast-check takes any 32-bit integer; a negative one is what it prints for some failures.
  if (!Number.isSafeInteger(value) || Math.abs(value) > 2 ** 31) throw new Error(`FUZZ_SEED must be a 32-bit integer: ${raw}`);
  return value;
}

/**
 * How many cases a property runs. `runs` is its count in `npm test` (a property that hits the database
 * asks for fewer than {@link DEFAULT_FUZZ_RUNS}); with `FUZZ_RUNS` set, every count is scaled by
 * `FUZZ_RUNS / DEFAULT_FUZZ_RUNS`, so that the costly properties keep their share in the long run.
 */
export function fuzzRuns(runs: number = DEFAULT_FUZZ_RUNS): number {
  const long = positiveInteger('FUZZ_RUNS');
  return long === undefined ? runs : Math.max(1, Math.round((runs * long) / DEFAULT_FUZZ_RUNS));
}

/** What {@link fuzz} needs beside the property. */
export interface FuzzOptions {
  /** Cases in `npm test` (default {@link DEFAULT_FUZZ_RUNS}); scaled by `FUZZ_RUNS`. */
  readonly runs?: number;
  /** Inputs always tried before the generated ones (regressions, real samples). */
  readonly examples?: readonly unknown[];
}

/** One property's volume, as recorded in `FUZZ_REPORT`. */
export interface FuzzVolume {
  readonly name: string;
  readonly cases: number;
  readonly seed: number;
}

/**
 * Runs a fast-check property with the shared parameters and throws fast-check's own report (seed, path
 * and the shrunk counter-example) when it fails. `name` names the parser and the property
 * (`actes.parseActesXml: junk`): it is what the volume report lists.
 */
export async function fuzz<Ts extends unknown[]>(
  name: string,
  property: fc.IProperty<Ts> | fc.IAsyncProperty<Ts>,
  options: FuzzOptions = {},
): Promise<FuzzVolume> {
  const seed = fuzzSeed();
  const parameters: fc.Parameters<Ts> = {
    seed,
    numRuns: fuzzRuns(options.runs),
    ...(options.examples === undefined ? {} : { examples: options.examples as Ts[] }),
  };
  const details = await fc.check(property as fc.IAsyncProperty<Ts>, parameters);
  if (details.failed) {
    const cause = details.errorInstance;
    const why = cause instanceof Error ? `${cause.name}: ${cause.message}\n${cause.stack ?? ''}` : String(cause);
    throw new Error(`${name}: ${fc.defaultReportMessage(details)}\n${why}`, { cause });
  }
  const volume: FuzzVolume = { name, cases: details.numRuns, seed };
  const report = process.env['FUZZ_REPORT'];
  if (report !== undefined && report !== '') appendFileSync(report, `${JSON.stringify(volume)}\n`);
  return volume;
}

/** Random bytes, the junk every parser must refuse with its own code. */
export function junkBytes(maxLength = 4096): fc.Arbitrary<Uint8Array> {
  return fc.uint8Array({ maxLength });
}

/**
 * A byte string changed the ways a damaged or hostile file is: some bytes flipped, cut short, a slice
 * repeated, a foreign slice spliced in. At least one change is made, so the result is rarely the input.
 */
export function mutatedBytes(sample: Uint8Array, inserts: fc.Arbitrary<Uint8Array> = junkBytes(64)): fc.Arbitrary<Uint8Array> {
  const position = fc.nat({ max: Math.max(0, sample.length) });
  const mutation = fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), at: position, value: fc.integer({ min: 0, max: 255 }) }),
    fc.record({ kind: fc.constant('truncate' as const), at: position }),
    fc.record({ kind: fc.constant('repeat' as const), at: position, length: fc.nat({ max: 256 }) }),
    fc.record({ kind: fc.constant('insert' as const), at: position, bytes: inserts }),
    fc.record({ kind: fc.constant('delete' as const), at: position, length: fc.nat({ max: 64 }) }),
  );
  return fc.array(mutation, { minLength: 1, maxLength: 6 }).map((mutations) => {
    let bytes = Buffer.from(sample);
    for (const m of mutations) {
      const at = Math.min(m.at, bytes.length);
      switch (m.kind) {
        case 'flip':
          if (at < bytes.length) bytes[at] = m.value;
          break;
        case 'truncate':
          bytes = bytes.subarray(0, at);
          break;
        case 'repeat':
          bytes = Buffer.concat([bytes.subarray(0, at + m.length), bytes.subarray(at)]);
          break;
        case 'insert':
          bytes = Buffer.concat([bytes.subarray(0, at), m.bytes, bytes.subarray(at)]);
          break;
        case 'delete':
          bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + m.length)]);
          break;
        default: {
          const never: never = m;
          throw new Error(`unknown mutation ${JSON.stringify(never)}`);
        }
      }
    }
    return new Uint8Array(bytes);
  });
}

/**
 * Runs `parse` and says how it ended: `ok` with its result, `refused` when it threw an error whose
 * `code` is one of `codes`, or it rethrows anything else (a TypeError, a RangeError, an error without
 * a code or with a foreign one), so that the property fails on it with its stack.
 */
export async function refusedWithCode<T>(
  parse: () => T | Promise<T>,
  codes: readonly string[],
): Promise<{ readonly ok: true; readonly value: T } | { readonly ok: false; readonly code: string }> {
  try {
    return { ok: true, value: await parse() };
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (error instanceof Error && typeof code === 'string' && codes.includes(code)) return { ok: false, code };
    throw error;
  }
}

/**
 * XML tricks aimed at a parser: entity and DOCTYPE declarations (billion laughs, external entities),
 * processing instructions, CDATA, comments, deep nesting, a huge attribute, unknown entities and
 * character references out of range.
 */
export function hostileXmlFragments(): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constant('<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'),
    fc.constant('<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'),
    fc.constant('<!doctype r SYSTEM "http://169.254.169.254/latest/meta-data/">'),
    fc.constant('<!ENTITY % p SYSTEM "http://127.0.0.1/x.dtd"> %p;'),
    fc.constant('&xxe;&lol2;&#0;&#x110000;&#99999999;&unknown;&'),
    fc.constant('<?xml-stylesheet href="http://127.0.0.1/x.xsl"?>'),
    fc.constant('<![CDATA[<injected/>]]>'),
    fc.constant('<!-- -- -->'),
    fc.constant('</unbalanced>'),
    fc.constant('<?xml version="1.0" encoding="UTF-16"?>'),
    fc.constant('\uFEFF'),
    fc.nat({ max: 5_000 }).map((depth) => `${'<a>'.repeat(depth)}${'</a>'.repeat(depth)}`),
    fc.nat({ max: 5_000 }).map((depth) => '<a>'.repeat(depth)),
    fc.integer({ min: 1, max: 200_000 }).map((length) => `<x a="${'A'.repeat(length)}"/>`),
    fc.string({ maxLength: 40 }).map((name) => `<${name}>`),
    fc.string({ unit: 'binary', maxLength: 40 }),
  );
}

/** Each fragment of {@link hostileXmlFragments} spliced into `sample` at a random place. */
export function xmlWithInjection(sample: string): fc.Arbitrary<string> {
  return fc
    .tuple(fc.nat({ max: sample.length }), fc.array(hostileXmlFragments(), { minLength: 1, maxLength: 3 }))
    .map(([at, fragments]) => `${sample.slice(0, at)}${fragments.join('')}${sample.slice(at)}`);
}
