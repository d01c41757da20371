/**
 * A fact that happened, named in the past tense. Events are plain readonly data, told apart by `type`,
 * so that a `switch` over a union of them is checked for exhaustiveness by the compiler.
 */
export interface Event<Type extends string, Data extends object> {
  readonly type: Type;
  readonly data: Readonly<Data>;
}

/** A request to change something, named in the imperative; it may be refused. */
export interface Command<Type extends string, Data extends object> {
  readonly type: Type;
  readonly data: Readonly<Data>;
}

/**
 * A point in time as `Date.prototype.toISOString()` writes it (`2026-01-05T09:00:00.000Z`). A string
 * rather than a Date: it cannot be mutated, compares with `===`, and is what the API shows.
 */
export type Instant = string;
