/** Injection token of the checked settings. */
export const AUDIT_CONFIG = Symbol('AUDIT_CONFIG');
