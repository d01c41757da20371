/** Injection token of the checked settings. */
export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');
/** Injection token of the PostgreSQL pool (schema migrated before it is handed out). */
export const PG_POOL = Symbol('PG_POOL');
/** Injection token of the clock the rate limiter reads (tests freeze it). */
export const CLOCK = Symbol('CLOCK');
/** Injection token of the classifications in force (the default loaded at start, the 7-2s parsed on demand). */
export const CLASSIFICATION_CATALOGUES = Symbol('CLASSIFICATION_CATALOGUES');
