import { describe, expect, it } from '@jest/globals';
import { CHANNEL_ERRORS, ChannelError } from '../errors.js';
import { imapFailure } from './imap-failure.js';

const withCode = (code: string, message = code, extra: object = {}): Error => Object.assign(new Error(message), { code }, extra);

describe('imapFailure', () => {
  it('keeps our own error, even wrapped by imapflow', () => {
    const pin = new ChannelError(CHANNEL_ERRORS.SERVER_PIN_MISMATCH, 'not the pinned certificate');
    expect(imapFailure(pin, 'open', 'connect')).toBe(pin);
    expect(imapFailure(Object.assign(new Error('Failed'), { _err: pin }), 'open', 'connect')).toBe(pin);
  });

  it('reads a refused login as IMAP_AUTH_FAILED', () => {
    const refused = Object.assign(new Error('Authentication failed'), { authenticationFailed: true, serverResponseCode: 'AUTHENTICATIONFAILED', responseText: 'Authentication failed.' });
    expect(imapFailure(refused, 'open', 'connect').code).toBe(CHANNEL_ERRORS.IMAP_AUTH_FAILED);
  });

  it('reads an unverifiable server chain as SERVER_CERT_UNTRUSTED', () => {
    expect(imapFailure(withCode('UNABLE_TO_VERIFY_LEAF_SIGNATURE'), 'open', 'connect').code).toBe(CHANNEL_ERRORS.SERVER_CERT_UNTRUSTED);
    expect(imapFailure(withCode('ERR_TLS_CERT_ALTNAME_INVALID'), 'open', 'connect').code).toBe(CHANNEL_ERRORS.SERVER_CERT_UNTRUSTED);
  });

  it.each(['CONNECT_TIMEOUT', 'GREETING_TIMEOUT'])('reads %s as CONNECT_TIMEOUT', (code) => {
    expect(imapFailure(withCode(code), 'open', 'connect').code).toBe(CHANNEL_ERRORS.CONNECT_TIMEOUT);
  });

  it('reads any other failure to open a session as IMAP_UNAVAILABLE, naming what was done', () => {
    const error = imapFailure(withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:993'), 'open an IMAP session with relais@mail', 'connect');
    expect(error.code).toBe(CHANNEL_ERRORS.IMAP_UNAVAILABLE);
    expect(error.message).toBe('CHANNEL.IMAP_UNAVAILABLE: open an IMAP session with relais@mail: no IMAP session (ECONNREFUSED connect ECONNREFUSED 127.0.0.1:993)');
  });

  it('reads a connection gone under a command, or any error on a session known lost, as IMAP_CONNECTION_LOST', () => {
    expect(imapFailure(withCode('NoConnection', 'Connection not available'), 'fetch message 3', 'command').code).toBe(CHANNEL_ERRORS.IMAP_CONNECTION_LOST);
    expect(imapFailure(withCode('EConnectionClosed'), 'fetch message 3', 'command').code).toBe(CHANNEL_ERRORS.IMAP_CONNECTION_LOST);
    expect(imapFailure(new Error('Command failed'), 'fetch message 3', 'command', true).code).toBe(CHANNEL_ERRORS.IMAP_CONNECTION_LOST);
  });

  it('reads a NO or BAD answer as IMAP_COMMAND_FAILED with the server\'s words', () => {
    const no = Object.assign(new Error('Command failed'), { responseStatus: 'NO', responseText: '[CANNOT] Invalid mailbox name' });
    const error = imapFailure(no, 'move message 3 to Traites', 'command');
    expect(error.code).toBe(CHANNEL_ERRORS.IMAP_COMMAND_FAILED);
    expect(error.message).toBe('CHANNEL.IMAP_COMMAND_FAILED: move message 3 to Traites: Command failed: server said NO [CANNOT] Invalid mailbox name');
  });
});
