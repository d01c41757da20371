import { describe, expect, it } from '@jest/globals';
import { CHANNEL_ERRORS } from '../errors.js';
import { assertPlainName, remotePath, returnFilesOf, type ListedEntry } from './remote-files.js';

const file = (filename: string, mtime: number, size = 10): ListedEntry => ({ filename, attrs: { size, mtime, mode: 0o100644 } });

describe('assertPlainName', () => {
  it.each(['PESALR2_21340001700014_250101_001.xml', 'PES_Acquit_1.xml', 'a b é.xml'])('takes %s', (name) => {
    expect(() => {
      assertPlainName(name);
    }).not.toThrow();
  });

  it.each(['', '.', '..', '.hidden', 'a/b', '../x', 'a\\b', 'a\0b', 'x'.repeat(256)])('refuses %j', (name) => {
    expect(() => {
      assertPlainName(name);
    }).toThrow(CHANNEL_ERRORS.SFTP_NAME_INVALID);
  });
});

describe('remotePath', () => {
  it('puts one slash between directory and name', () => {
    expect(remotePath('/depot', 'x.xml')).toBe('/depot/x.xml');
    expect(remotePath('/depot//', 'x.xml')).toBe('/depot/x.xml');
    expect(remotePath('depot', 'x.xml')).toBe('depot/x.xml');
  });
});

describe('returnFilesOf', () => {
  it('lists regular files oldest first, then by name, leaving out uploads in progress, dot files and directories', () => {
    const files = returnFilesOf([
      file('PES_Retour_c.xml', 300),
      file('PES_Acquit_b.xml', 100),
      file('PES_Acquit_a.xml', 100),
      file('PES_NonAcquit_x.xml', 200, 42),
      file('PES_Acquit_z.xml.part', 50),
      file('.tmp', 10),
      { filename: 'archive', attrs: { size: 4096, mtime: 1, mode: 0o040755 } },
    ]);
    expect(files.map((entry) => entry.name)).toEqual(['PES_Acquit_a.xml', 'PES_Acquit_b.xml', 'PES_NonAcquit_x.xml', 'PES_Retour_c.xml']);
    expect(files[2]).toEqual({ name: 'PES_NonAcquit_x.xml', size: 42, modifiedAt: new Date(200_000) });
  });
});
