/** Injection token of the checked settings. */
export const ROUTER_CONFIG = Symbol('ROUTER_CONFIG');
