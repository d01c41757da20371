// Shared Jest settings. Jest runs in native ESM mode (NestJS 12 is ESM-only), so every project runs
// `node --experimental-vm-modules node_modules/jest/bin/jest.js` and imports `jest` from @jest/globals.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
const { compilerOptions } = JSON.parse(readFileSync(join(root, 'tsconfig.base.json'), 'utf8'));

/** Maps each `@relais/*` alias of tsconfig.base.json to its source, and `./x.js` imports to `./x`. */
const moduleNameMapper = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, [target]]) => [`^${alias}$`, join(root, target)]),
);
moduleNameMapper['^(\\.{1,2}/.*)\\.js$'] = '$1';

/** @param {string} displayName @returns {import('jest').Config} */
export function preset(displayName) {
  return {
    displayName,
    testEnvironment: 'node',
    extensionsToTreatAsEsm: ['.ts'],
    testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
    moduleNameMapper,
    transform: {
      '^.+\\.ts$': [
        '@swc/jest',
        {
          jsc: {
            parser: { syntax: 'typescript', decorators: true },
            transform: { legacyDecorator: true, decoratorMetadata: true },
            target: 'es2022',
          },
          module: { type: 'es6' },
        },
      ],
    },
    testTimeout: 60_000,
  };
}
