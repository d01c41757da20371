import { describe, expect, it } from '@jest/globals';
import { END_OF_STREAM, INSTREAM_COMMAND, instreamFrames, parseScanAnswer, PING_COMMAND } from './clamd.protocol.js';

describe('clamd commands', () => {
  it('are the NUL-terminated z forms', () => {
    expect(Buffer.from(INSTREAM_COMMAND).toString('latin1')).toBe('zINSTREAM\0');
    expect(Buffer.from(PING_COMMAND).toString('latin1')).toBe('zPING\0');
    expect([...END_OF_STREAM]).toEqual([0, 0, 0, 0]);
  });
});

describe('instreamFrames', () => {
  it('prefixes each slice with its length, 4 bytes big-endian', () => {
    const bytes = Uint8Array.from({ length: 10 }, (_, index) => index);
    const frames = [...instreamFrames(bytes, 4)];
    expect(frames.map(({ header }) => [...header])).toEqual([
      [0, 0, 0, 4],
      [0, 0, 0, 4],
      [0, 0, 0, 2],
    ]);
    expect(frames.map(({ slice }) => [...slice])).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
  });

  it('writes lengths above 255 in big-endian order', () => {
    const [frame] = [...instreamFrames(new Uint8Array(0x010203), 0x100000)];
    expect([...frame!.header]).toEqual([0, 1, 2, 3]);
  });

  it('gives nothing for an empty piece (the end of stream is sent apart)', () => {
    expect([...instreamFrames(new Uint8Array(0))]).toEqual([]);
  });

  it('refuses a chunk size that is not a positive 32-bit integer', () => {
    expect(() => [...instreamFrames(new Uint8Array(1), 0)]).toThrow(RangeError);
  });
});

describe('parseScanAnswer', () => {
  it('reads clean, infected, size limit and errors', () => {
    expect(parseScanAnswer('stream: OK\0')).toEqual({ kind: 'clean' });
    expect(parseScanAnswer('stream: Relais.Test.EICAR.UNOFFICIAL FOUND\0')).toEqual({ kind: 'infected', signature: 'Relais.Test.EICAR.UNOFFICIAL' });
    expect(parseScanAnswer('stream: Win.Test.EICAR_HDB-1 FOUND\n')).toEqual({ kind: 'infected', signature: 'Win.Test.EICAR_HDB-1' });
    expect(parseScanAnswer('INSTREAM size limit exceeded. ERROR\0')).toEqual({ kind: 'size-limit', answer: 'INSTREAM size limit exceeded. ERROR' });
    expect(parseScanAnswer('Can\'t allocate memory ERROR\0')).toEqual({ kind: 'error', answer: 'Can\'t allocate memory ERROR' });
    expect(parseScanAnswer('UNKNOWN COMMAND\0')).toEqual({ kind: 'unexpected', answer: 'UNKNOWN COMMAND' });
  });
});
