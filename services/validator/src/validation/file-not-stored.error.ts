/** A file a received transmission names is not in the blob store: retried, then dead-lettered for an operator. */
export class FileNotStoredError extends Error {
  readonly code = 'VALIDATOR.FILE_NOT_STORED';
  constructor(transmissionId: string, sha256: string) {
    super(`transmission ${transmissionId}: file ${sha256} is not in the blob store`);
    this.name = 'FileNotStoredError';
  }
}
