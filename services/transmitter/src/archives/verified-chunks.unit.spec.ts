import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { verifiedChunks } from './packager.js';

async function* chunks(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) {
    await Promise.resolve();
    yield Buffer.from(part);
  }
}

const whole = 'PES_Aller…';
const file = { fileName: 'PESALR2_21210231300013_261128_001.xml', sha256: createHash('sha256').update(whole).digest('hex'), size: Buffer.byteLength(whole) };

describe('the bytes streamed to the State', () => {
  it('are the stored chunks, in order, when they hash to the recorded file', async () => {
    const sent: string[] = [];
    for await (const chunk of verifiedChunks(chunks('PES_', 'All', 'er…'), file)) sent.push(Buffer.from(chunk).toString());
    expect(sent.join('')).toBe(whole);
  });

  it('stop before the last chunk when they are not the recorded bytes, so no whole other file is ever sent', async () => {
    const sent: string[] = [];
    const read = async (): Promise<void> => {
      for await (const chunk of verifiedChunks(chunks('PES_', 'All', 'xx…'), file)) sent.push(Buffer.from(chunk).toString());
    };
    await expect(read()).rejects.toMatchObject({ code: 'TRANSMITTER.FILE_CORRUPT' });
    expect(sent).toEqual(['PES_', 'All']);
  });
});
