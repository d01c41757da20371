import { describe, expect, it } from '@jest/globals';
import { outcomeOfError, outcomeOfResponse } from './channel-outcome.js';
import { CHANNEL_ERRORS, ChannelError } from './errors.js';

describe('outcomeOfResponse', () => {
  it.each([
    [200, 'taken'],
    [204, 'taken'],
    [400, 'refused'],
    [403, 'refused'],
    [408, 'unavailable'],
    [425, 'unavailable'],
    [429, 'unavailable'],
    [500, 'unavailable'],
    [503, 'unavailable'],
  ])('HTTP %i → %s', (status, kind) => {
    expect(outcomeOfResponse(status, 'x')).toMatchObject({ kind, status, reason: `HTTP ${status}: x` });
  });
});

describe('outcomeOfError', () => {
  it.each([
    [new ChannelError(CHANNEL_ERRORS.SERVER_PIN_MISMATCH, 'x'), 'refused', CHANNEL_ERRORS.SERVER_PIN_MISMATCH],
    [new ChannelError(CHANNEL_ERRORS.CONNECT_TIMEOUT, 'x'), 'unavailable', CHANNEL_ERRORS.CONNECT_TIMEOUT],
    [Object.assign(new Error('self-signed'), { code: 'SELF_SIGNED_CERT_IN_CHAIN' }), 'refused', CHANNEL_ERRORS.SERVER_CERT_UNTRUSTED],
    [Object.assign(new Error('alert'), { code: 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED' }), 'refused', CHANNEL_ERRORS.CLIENT_CERT_REJECTED],
    [Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }), 'unavailable', CHANNEL_ERRORS.CONNECTION_FAILED],
  ])('%s → %s %s', (error, kind, code) => {
    expect(outcomeOfError(error)).toMatchObject({ kind, code });
  });
});
