/** Injection token of the checked settings. */
export const PROJECTOR_CONFIG = Symbol('PROJECTOR_CONFIG');
