/** Injection token of the checked settings. */
export const TRANSMITTER_CONFIG = Symbol('TRANSMITTER_CONFIG');
