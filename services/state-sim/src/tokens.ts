/** Injection token of the checked settings. */
export const STATE_SIM_CONFIG = Symbol('STATE_SIM_CONFIG');

/** Injection token of the classification the simulated préfecture holds. */
export const STATE_SIM_CLASSIFICATION = Symbol('STATE_SIM_CLASSIFICATION');
