import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateXML } from 'xmllint-wasm';

// The official schemas live beside the repository, never inside it: <repo>/../shared/schemas/actes.
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const schemaDir = join(repoRoot, '..', 'shared', 'schemas', 'actes');

function schema(name: string): Uint8Array {
  const path = join(schemaDir, name);
  if (!existsSync(path)) {
    throw new Error(
      `The official @ctes schema ${name} is missing from ${schemaDir} (the shared folder next to the repository): ` +
        'the conformance tests cannot run without actesv1_1.xsd, siret.xsd and insee-commun.xsd.',
    );
  }
  return readFileSync(path);
}

/** The errors xmllint reports when validating `bytes` against actesv1_1.xsd; empty when valid. */
export async function actesSchemaErrors(fileName: string, bytes: Buffer): Promise<string[]> {
  const result = await validateXML({
    xml: [{ fileName, contents: new Uint8Array(bytes) }],
    schema: [{ fileName: 'actesv1_1.xsd', contents: schema('actesv1_1.xsd') }],
    preload: [
      { fileName: 'siret.xsd', contents: schema('siret.xsd') },
      { fileName: 'insee-commun.xsd', contents: schema('insee-commun.xsd') },
    ],
  });
  return result.errors.map((error) => error.rawMessage);
}
