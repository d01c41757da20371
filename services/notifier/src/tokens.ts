/** Injection token of the checked settings. */
export const NOTIFIER_CONFIG = Symbol('NOTIFIER_CONFIG');
