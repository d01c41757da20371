/** Injection token of the checked settings. */
export const RELAY_CONFIG = Symbol('RELAY_CONFIG');
