import type { FileRef, Submission } from '@relais/domain';

/** The files a submission carries: an acte's document and annexes, a PES file. Pure. */
export function filesOf(submission: Submission): readonly FileRef[] {
  return submission.kind === 'acte' ? [submission.document, ...submission.annexes.map((annexe) => annexe.file)] : [submission.file];
}

/** Media types served as given; anything else (the client chose it) is served as bytes. */
const SERVED_AS_IS = new Set(['application/pdf', 'application/xml', 'text/xml', 'image/png', 'image/jpeg']);

/** The Content-Type a stored file is served with: never one a browser would run (text/html, say). */
export function servedMediaType(mediaType: string): string {
  const base = mediaType.split(';')[0]?.trim().toLowerCase() ?? '';
  return SERVED_AS_IS.has(base) ? base : 'application/octet-stream';
}

/** A Content-Disposition that downloads the file under its name, whatever characters it has. */
export function attachmentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
