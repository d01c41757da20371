import { field, type CopyValue } from './copy.js';

/**
 * Rows of a rebuilt table that every partition of a parallel replay contributes to (the statistics'
 * buckets: one minute's count gathers transmissions of every stream), so they are merged before they
 * are written. Keys are the key columns already in COPY text form, which makes merging a Map lookup
 * and writing a concatenation; values travel as one Float64Array, handed to the main thread without
 * a copy.
 */
export interface SharedTable {
  readonly table: string;
  /** Key columns, then value columns. */
  readonly columns: readonly string[];
  /** Per row, its key columns as COPY text, tab-separated. */
  readonly keys: readonly string[];
  /** Per row, `valueCount` numbers, rows after rows. */
  readonly values: Float64Array;
  readonly valueCount: number;
  /** `sum`: values added up per key. `same`: every partition holds the same rows (folded from events all of them read); kept once. */
  readonly merge: 'sum' | 'same';
}

/** Builds a SharedTable from rows of key values and numbers. */
export function sharedTable<T>(
  table: string,
  columns: { readonly key: readonly string[]; readonly values: readonly string[] },
  merge: SharedTable['merge'],
  rows: Iterable<T>,
  key: (row: T) => readonly CopyValue[],
  numbers: (row: T) => readonly number[],
): SharedTable {
  const valueCount = columns.values.length;
  const all = [...rows];
  const keys: string[] = [];
  const values = new Float64Array(all.length * valueCount);
  all.forEach((row, i) => {
    keys.push(key(row).map(field).join('\t'));
    numbers(row).forEach((n, j) => {
      values[i * valueCount + j] = n;
    });
  });
  return { table, columns: [...columns.key, ...columns.values], keys, values, valueCount, merge };
}

/** One table's rows merged from every partition: COPY text lines, each key once. */
export function mergeShared(parts: readonly SharedTable[]): { table: string; columns: readonly string[]; lines: string[] } {
  const first = parts[0];
  if (first === undefined) throw new RangeError('mergeShared: no part');
  const width = first.valueCount;
  // Each key's row, and its values rows after rows (added up in place).
  const rowOf = new Map<string, number>();
  const keys: string[] = [];
  const sums: number[] = [];
  for (const part of parts) {
    if (part.table !== first.table || part.merge !== first.merge || part.valueCount !== width) throw new RangeError(`mergeShared: parts of ${first.table} disagree`);
    for (let i = 0; i < part.keys.length; i++) {
      const key = part.keys[i] as string;
      const row = rowOf.get(key);
      if (row === undefined) {
        rowOf.set(key, keys.length);
        keys.push(key);
        for (let j = 0; j < width; j++) sums.push(part.values[i * width + j] as number);
      } else if (part.merge === 'sum') {
        for (let j = 0; j < width; j++) sums[row * width + j] = (sums[row * width + j] as number) + (part.values[i * width + j] as number);
      }
    }
  }
  const lines = keys.map((key, row) => (width === 0 ? key : `${key}\t${sums.slice(row * width, (row + 1) * width).join('\t')}`));
  return { table: first.table, columns: first.columns, lines };
}
