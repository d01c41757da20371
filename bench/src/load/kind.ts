/** What each submission of a mixed load is: an acte (`POST /api/v1/actes`) or a PES file (`POST /api/v1/pes`). Pure. */
import type { Random } from './corpus.js';

export type SubmissionKind = 'acte' | 'pes';

/** Every kind, in the order the reports list them. */
export const SUBMISSION_KINDS: readonly SubmissionKind[] = ['acte', 'pes'];

/**
 * A PES file with probability `pesShare`, else an acte. At 0 or 1 no number is drawn, so that an
 * actes-only run replays the very actes of the same seed from before PES files were generated.
 */
export function submissionKind(random: Random, pesShare: number): SubmissionKind {
  if (pesShare <= 0) return 'acte';
  if (pesShare >= 1) return 'pes';
  return random() < pesShare ? 'pes' : 'acte';
}

/** The kinds a run with this share submits. */
export function kindsInPlay(pesShare: number): SubmissionKind[] {
  return SUBMISSION_KINDS.filter((kind) => (kind === 'pes' ? pesShare > 0 : pesShare < 1));
}
