import { describe, expect, it } from '@jest/globals';
import { requestTimestamp } from './rfc3161.js';

describe('asking a timestamping authority', () => {
  it('never repeats the password of its URL in the error the sealer logs', async () => {
    // fetch refuses a URL with credentials, and its own message names the URL.
    const failure = await requestTimestamp('https://sealer:S3cr3t-tsa@127.0.0.1:1/tsa', Buffer.alloc(32), 1_000).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'AUDIT.TSA_UNREACHABLE' });
    expect((failure as Error).message).not.toContain('S3cr3t');
  });
});
