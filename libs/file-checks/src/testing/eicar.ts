import { createHash } from 'node:crypto';

/** The name the test database gives the EICAR file; clamd reports it with `.UNOFFICIAL` appended. */
export const EICAR_SIGNATURE_NAME = 'Relais.Test.EICAR';

/**
 * The EICAR anti-virus test file: the 68 ASCII bytes every antivirus is meant to detect, nothing
 * before or after them. Built from pieces so that this source file itself does not look infected.
 */
export function eicarTestFile(): Buffer {
  const parts = ['X5O!P%@AP[4\\PZX54(P^)7CC)7}$', 'EICAR-STANDARD-', 'ANTIVIRUS-TEST-FILE!', '$H+H*'];
  return Buffer.from(parts.join(''), 'ascii');
}

/**
 * The line of a ClamAV `.hdb` database (`md5:size:name`) that detects exactly the bytes of
 * {@link eicarTestFile}; a hash signature matches only the whole file, not a file containing it.
 */
export function eicarHdbLine(): string {
  const eicar = eicarTestFile();
  return `${createHash('md5').update(eicar).digest('hex')}:${eicar.byteLength}:${EICAR_SIGNATURE_NAME}\n`;
}
