import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DEFAULT_TRIPLET_GRID_URL } from '@relais/pes';
import { readServiceSettings, SettingsReader, type ServiceConfig } from '@relais/service-kit';

/** The platform's default classification: the 7-2 sample every new collectivité starts with (API.md). */
export const DEFAULT_CLASSIFICATION_FILE = fileURLToPath(new URL('../../../config/classification-default.json', import.meta.url));

/** The grille des triplets shipped with `@relais/pes` (every combination of the codes we know; not the DGFiP's own grid). */
export const DEFAULT_TRIPLETS_FILE = fileURLToPath(DEFAULT_TRIPLET_GRID_URL);

/** The validator's settings, read and checked once at start-up. */
export interface ValidatorConfig extends ServiceConfig {
  /** The 7-2 `RetourClassification` file of the default classification (`RELAIS_DEFAULT_CLASSIFICATION_FILE`). */
  readonly classificationFile: string;
  /** The grille des triplets PES pièces are checked against, a JSON file an operator edits (`RELAIS_PES_TRIPLETS_FILE`). */
  readonly tripletsFile: string;
}

/** Reads the settings from the environment; throws one error naming every bad setting. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): ValidatorConfig {
  const settings = new SettingsReader(env);
  const service = readServiceSettings(settings);
  const classificationFile = settings.text('RELAIS_DEFAULT_CLASSIFICATION_FILE', DEFAULT_CLASSIFICATION_FILE);
  if (!existsSync(classificationFile)) settings.problem(`RELAIS_DEFAULT_CLASSIFICATION_FILE does not exist: ${classificationFile}`);
  const tripletsFile = settings.text('RELAIS_PES_TRIPLETS_FILE', DEFAULT_TRIPLETS_FILE);
  if (!existsSync(tripletsFile)) settings.problem(`RELAIS_PES_TRIPLETS_FILE does not exist: ${tripletsFile}`);
  settings.done();
  return { ...service, classificationFile, tripletsFile };
}
