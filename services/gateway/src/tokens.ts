/** Injection token of the checked settings. */
export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');
/** Injection token of the PostgreSQL pool (schema migrated before it is handed out). */
export const PG_POOL = Symbol('PG_POOL');
/** Injection token of the clock the rate limiter reads (tests freeze it). */
export const CLOCK = Symbol('CLOCK');
