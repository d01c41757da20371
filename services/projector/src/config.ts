import { readServiceConfig, type ServiceConfig } from '@relais/service-kit';

/** The projector's settings, read and checked once at start-up. */
export type ProjectorConfig = ServiceConfig;

/** Reads the settings from the environment; throws one error naming every bad setting. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): ProjectorConfig {
  return readServiceConfig(env);
}
