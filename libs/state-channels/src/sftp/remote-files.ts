import { CHANNEL_ERRORS, ChannelError } from '../errors.js';

/** Suffix of a file being uploaded: renamed away once complete, so a reader never takes one. */
export const PART_SUFFIX = '.part';

/** A file the DGFiP left in the returns directory. */
export interface ReturnFile {
  /** Its name in the returns directory (`PES_Acquit_…`, say): what `SftpDrop.readReturn` takes. */
  readonly name: string;
  readonly size: number;
  /** Its modification time, to the second (SFTP gives no finer). */
  readonly modifiedAt: Date;
}

/** What a directory listing says of one entry: a subset of ssh2's `FileEntry`. */
export interface ListedEntry {
  readonly filename: string;
  readonly attrs: { readonly size: number; readonly mtime: number; readonly mode: number };
}

/** Longest file name most servers accept, in bytes. */
const MAX_NAME_BYTES = 255;
/** File type bits of a POSIX mode, and the type of a regular file. */
const S_IFMT = 0o170000;
const S_IFREG = 0o100000;

/**
 * Checks that `name` is a plain file name, to be put in a configured directory and nowhere else: not
 * empty, no `/`, `\` or NUL, not starting with a dot (`.`, `..` and hidden files), at most 255 bytes.
 * Throws `CHANNEL.SFTP_NAME_INVALID`.
 */
export function assertPlainName(name: string): void {
  if (name === '' || /[/\\\0]/.test(name) || name.startsWith('.') || Buffer.byteLength(name) > MAX_NAME_BYTES) {
    throw new ChannelError(CHANNEL_ERRORS.SFTP_NAME_INVALID, `${JSON.stringify(name.slice(0, 300))} is not a plain file name`);
  }
}

/** `dir/name` with one slash between them, whether `dir` ends with one or not. */
export function remotePath(dir: string, name: string): string {
  return `${dir.replace(/\/+$/, '')}/${name}`;
}

/**
 * The returns to read out of a directory listing, oldest first (modification time, then name): regular
 * files only, leaving out dot files and uploads in progress (`*.part`).
 */
export function returnFilesOf(entries: readonly ListedEntry[]): ReturnFile[] {
  return entries
    .filter(({ filename, attrs }) => !filename.startsWith('.') && !filename.endsWith(PART_SUFFIX) && (attrs.mode & S_IFMT) === S_IFREG)
    .map(({ filename, attrs }) => ({ name: filename, size: attrs.size, modifiedAt: new Date(attrs.mtime * 1000) }))
    .sort((a, b) => a.modifiedAt.getTime() - b.modifiedAt.getTime() || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
