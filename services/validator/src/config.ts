import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readServiceSettings, SettingsReader, type ServiceConfig } from '@relais/service-kit';

/** The platform's default classification: the 7-2 sample every new collectivité starts with (API.md). */
export const DEFAULT_CLASSIFICATION_FILE = fileURLToPath(new URL('../../../config/classification-default.json', import.meta.url));

/** The validator's settings, read and checked once at start-up. */
export interface ValidatorConfig extends ServiceConfig {
  /** The 7-2 `RetourClassification` file of the default classification (`RELAIS_DEFAULT_CLASSIFICATION_FILE`). */
  readonly classificationFile: string;
}

/** Reads the settings from the environment; throws one error naming every bad setting. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): ValidatorConfig {
  const settings = new SettingsReader(env);
  const service = readServiceSettings(settings);
  const classificationFile = settings.text('RELAIS_DEFAULT_CLASSIFICATION_FILE', DEFAULT_CLASSIFICATION_FILE);
  if (!existsSync(classificationFile)) settings.problem(`RELAIS_DEFAULT_CLASSIFICATION_FILE does not exist: ${classificationFile}`);
  settings.done();
  return { ...service, classificationFile };
}
