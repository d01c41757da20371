import type { FileRef, Submission, TransmissionEvent } from '@relais/domain';

/** The files a submission carries: an acte's document and annexes, a PES file. Pure. */
function filesOf(submission: Submission): readonly FileRef[] {
  return submission.kind === 'acte' ? [submission.document, ...submission.annexes.map((annexe) => annexe.file)] : [submission.file];
}

/**
 * Every file a transmission's history holds: what was submitted, the documents of the préfecture's
 * letters (2-1, 3-1, 4-1, 5-1) and those of the collectivité's answers. Pure.
 */
export function filesOfHistory(events: readonly TransmissionEvent[]): readonly FileRef[] {
  return events.flatMap((event) => {
    if (event.type === 'TransmissionReceived') return filesOf(event.data.submission);
    if (event.type === 'TransmissionLetterReceived' || event.type === 'TransmissionReplyRequested') return event.data.documents;
    return [];
  });
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
