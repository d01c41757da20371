/** Injection token of the checked settings. */
export const STATE_SIM_CONFIG = Symbol('STATE_SIM_CONFIG');
