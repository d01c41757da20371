import type { PesFileRecord, PesFileRegistry } from '../pes/pes-file-registry.js';
import type { Match } from '../replies/reply.match.js';

/** A PES_Aller as the DGFiP's acquittal names it: its `NomFic`, and the `CodCol` of its header when given. */
export interface PesFileRef {
  readonly nomFic: string;
  readonly codCol: string | undefined;
}

/**
 * Which of our PES files an acquittal (PES_Acquit, PES_NonAcquit) answers (DOMAIN.md §2.3: by NomFic
 * + CodCol). The server's `receivedFor` (the name we deposited) is tried first, checked against what the
 * acquittal names; else the files of that NomFic and CodCol. A NomFic sent more than once (a file sent
 * again after a refusal) goes to the one file still waiting for its answer (`awaitsAnswer`); when that
 * is not exactly one, nothing is matched and an operator decides.
 */
export async function matchPesFile(
  files: Pick<PesFileRegistry, 'byFileName' | 'byNomFic'>,
  ref: PesFileRef,
  receivedFor: string | undefined,
  awaitsAnswer: (file: PesFileRecord) => Promise<boolean>,
): Promise<Match<PesFileRecord>> {
  const names = `NomFic ${ref.nomFic}${ref.codCol === undefined ? '' : ` of CodCol ${ref.codCol}`}`;
  if (receivedFor !== undefined) {
    const file = await files.byFileName(receivedFor);
    if (file !== undefined) {
      if (file.nomFic === ref.nomFic && (ref.codCol === undefined || file.codCol === ref.codCol)) return { kind: 'matched', found: file };
      return { kind: 'unmatched', why: `${receivedFor} carried NomFic ${file.nomFic} of CodCol ${file.codCol}, the acquittal names ${names}` };
    }
  }
  const candidates = await files.byNomFic(ref.nomFic, ref.codCol);
  const [first] = candidates;
  if (first === undefined) return { kind: 'unmatched', why: `no PES file of ours has ${names}` };
  if (candidates.length === 1) return { kind: 'matched', found: first };
  const waiting: PesFileRecord[] = [];
  for (const candidate of candidates) if (await awaitsAnswer(candidate)) waiting.push(candidate);
  const [only] = waiting;
  if (only !== undefined && waiting.length === 1) return { kind: 'matched', found: only };
  return {
    kind: 'unmatched',
    why: `${candidates.length} PES files of ours have ${names} (${candidates.map((c) => c.fileName).join(', ')}), ${waiting.length} of them waiting for an answer`,
  };
}
