import { describe, expect, it } from '@jest/globals';
import { CHANNEL_ERRORS, ChannelError } from '../errors.js';
import { connectFailure, depositOutcomeOf, isConnectionLoss, requestFailure } from './sftp-failure.js';

const status = (code: number, message: string): Error => Object.assign(new Error(message), { code });
const level = (name: string, message: string): Error => Object.assign(new Error(message), { level: name });

describe('requestFailure', () => {
  it.each([
    [status(2, 'No such file'), CHANNEL_ERRORS.SFTP_REMOTE_REFUSED],
    [status(3, 'Permission denied'), CHANNEL_ERRORS.SFTP_REMOTE_REFUSED],
    [status(8, 'Operation unsupported'), CHANNEL_ERRORS.SFTP_REMOTE_REFUSED],
    [status(4, 'Failure'), CHANNEL_ERRORS.SFTP_REMOTE_FAILURE],
    [new Error('No response from server'), CHANNEL_ERRORS.CONNECTION_FAILED],
  ])('%s → %s', (error, code) => {
    const failure = requestFailure('WRITE /depot/x.part at 0', 'h:22', error);
    expect(failure.code).toBe(code);
    expect(failure.message).toContain('WRITE /depot/x.part at 0');
  });

  it('says the connection was lost during what', () => {
    expect(requestFailure('READ /retours/a at 0', 'h:22', new Error('No response from server')).message).toBe(
      'CHANNEL.CONNECTION_FAILED: the connection to h:22 was lost during READ /retours/a at 0 (No response from server)',
    );
  });
});

describe('connectFailure', () => {
  it('names both host keys when the presented one is not pinned, whatever ssh2 said', () => {
    const failure = connectFailure(level('handshake', 'Host denied (verification failed)'), 'h:22', 'SHA256:presented', 'SHA256:pinned');
    expect(failure.code).toBe(CHANNEL_ERRORS.SFTP_HOST_KEY_MISMATCH);
    expect(failure.message).toContain('SHA256:presented, not the pinned SHA256:pinned');
  });

  it.each([
    [level('client-authentication', 'All configured authentication methods failed'), CHANNEL_ERRORS.SFTP_AUTH_FAILED],
    [level('client-timeout', 'Timed out while waiting for handshake'), CHANNEL_ERRORS.CONNECT_TIMEOUT],
    [Object.assign(level('client-socket', 'connect ECONNREFUSED 127.0.0.1:2222'), { code: 'ECONNREFUSED' }), CHANNEL_ERRORS.CONNECTION_FAILED],
    [new ChannelError(CHANNEL_ERRORS.CONNECT_TIMEOUT, 'x'), CHANNEL_ERRORS.CONNECT_TIMEOUT],
  ])('%s → %s', (error, code) => {
    expect(connectFailure(error, 'h:22', undefined, 'SHA256:pinned').code).toBe(code);
  });
});

describe('depositOutcomeOf', () => {
  it.each([
    [CHANNEL_ERRORS.SFTP_HOST_KEY_MISMATCH, 'refused'],
    [CHANNEL_ERRORS.SFTP_AUTH_FAILED, 'refused'],
    [CHANNEL_ERRORS.SFTP_NAME_TAKEN, 'refused'],
    [CHANNEL_ERRORS.SFTP_REMOTE_REFUSED, 'refused'],
    [CHANNEL_ERRORS.SFTP_SIZE_MISMATCH, 'refused'],
    [CHANNEL_ERRORS.CONNECTION_FAILED, 'unavailable'],
    [CHANNEL_ERRORS.CONNECT_TIMEOUT, 'unavailable'],
    [CHANNEL_ERRORS.TIMEOUT, 'unavailable'],
    [CHANNEL_ERRORS.SFTP_REMOTE_FAILURE, 'unavailable'],
    [CHANNEL_ERRORS.SFTP_BODY_FAILED, 'unavailable'],
  ] as const)('%s → %s', (code, kind) => {
    expect(depositOutcomeOf(new ChannelError(code, 'x'))).toEqual({ kind, code, reason: `${code}: x` });
  });

  it('takes anything else for a passing fault, and says so', () => {
    expect(depositOutcomeOf(new TypeError('oops'))).toEqual({ kind: 'unavailable', reason: 'unexpected failure: oops' });
  });
});

describe('isConnectionLoss', () => {
  it('is true of a lost or failed connection only', () => {
    expect(isConnectionLoss(new ChannelError(CHANNEL_ERRORS.CONNECTION_FAILED, 'x'))).toBe(true);
    expect(isConnectionLoss(new ChannelError(CHANNEL_ERRORS.TIMEOUT, 'x'))).toBe(false);
    expect(isConnectionLoss(new Error('x'))).toBe(false);
  });
});
