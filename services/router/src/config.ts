import { existsSync } from 'node:fs';
import { routingTablePath } from '@relais/routing';
import { readServiceSettings, SettingsReader, type ServiceConfig } from '@relais/service-kit';

/** The router's settings, read and checked once at start-up. */
export interface RouterConfig extends ServiceConfig {
  /** The routing table operators edit (`RELAIS_ROUTING_FILE`, else `config/routing.json`). */
  readonly routingFile: string;
}

/** Reads the settings from the environment; throws one error naming every bad setting. */
export function readConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): RouterConfig {
  const settings = new SettingsReader(env);
  const service = readServiceSettings(settings);
  const routingFile = routingTablePath(env, cwd);
  // A missing file is a wrong setting; a file whose content is wrong is an edit to fix while running.
  if (!existsSync(routingFile)) settings.problem(`the routing table does not exist: ${routingFile} (set RELAIS_ROUTING_FILE)`);
  settings.done();
  return { ...service, routingFile };
}
