/** Injection token of the checked settings. */
export const VALIDATOR_CONFIG = Symbol('VALIDATOR_CONFIG');
