import type { ArchiveRecord, ArchiveRegistry } from '../archives/archive-registry.js';
import type { ActeReply } from './reply.parse.js';

/** Which transmission a reply answers, or why none. */
export type ReplyMatch =
  | { readonly kind: 'matched'; readonly archive: ArchiveRecord }
  | { readonly kind: 'unmatched'; readonly why: string };

/**
 * Finds the archive a reply answers: by the archive's name when the mailbox gives it (and the acte it
 * names is the one the archive carried), else by SIREN and numéro interne, unique per collectivité.
 */
export async function matchReply(archives: ArchiveRegistry, reply: ActeReply, receivedFor: string | undefined): Promise<ReplyMatch> {
  if (receivedFor !== undefined) {
    const archive = await archives.byFileName(receivedFor);
    if (archive !== undefined) {
      if (archive.siren === reply.siren && archive.numeroInterne === reply.numeroInterne) return { kind: 'matched', archive };
      return {
        kind: 'unmatched',
        why: `${receivedFor} carried ${archive.siren}/${archive.numeroInterne}, the reply names ${reply.siren}/${reply.numeroInterne}`,
      };
    }
  }
  const candidates = await archives.byActe(reply.siren, reply.numeroInterne);
  const [only] = candidates;
  if (only !== undefined && candidates.length === 1) return { kind: 'matched', archive: only };
  if (candidates.length === 0) return { kind: 'unmatched', why: `no archive of ours carried ${reply.siren}/${reply.numeroInterne}` };
  return { kind: 'unmatched', why: `${candidates.length} archives carried ${reply.siren}/${reply.numeroInterne}` };
}
