import type { UnpackedFile } from '@relais/actes';

import { ANNULATION_FILE } from './annulation.read.js';
import { CLASSIFICATION_REQUEST_FILE } from './classification.read.js';
import { REPONSE_FILE } from './reponse.read.js';

/** The flows an archive without a 1-1 message may carry. */
export type ArchiveKind = 'annulation' | 'reply' | 'classification';

const MESSAGE_FILES: readonly (readonly [ArchiveKind, RegExp])[] = [
  ['annulation', ANNULATION_FILE],
  ['reply', REPONSE_FILE],
  ['classification', CLASSIFICATION_REQUEST_FILE],
];

/**
 * Which flow an unpacked archive carries, told by its business message's name as @ctes names them
 * (`IDActe-6-1_n.xml`, `IDActe-T-S_n.xml` for an answer to a letter, `DPT-SIREN----7-1_n.xml`);
 * undefined when no name or the names of several flows are there.
 */
export function archiveKind(files: readonly UnpackedFile[]): ArchiveKind | undefined {
  const kinds = MESSAGE_FILES.filter(([, pattern]) => files.some((file) => pattern.test(file.name))).map(([kind]) => kind);
  return kinds.length === 1 ? kinds[0] : undefined;
}
