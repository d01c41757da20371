import { describe, expect, it } from '@jest/globals';
import { parseRoutingTable, RoutingTableError } from './routing-table.js';

const problemsOf = (json: unknown, env: Record<string, string> = {}): readonly string[] => {
  try {
    parseRoutingTable(json, env);
    return [];
  } catch (error) {
    if (error instanceof RoutingTableError) return error.problems;
    throw error;
  }
};

const mtls = {
  kind: 'https-mtls',
  tls: { pfxFile: '${TLS_DIR}/client.p12', passphraseFile: '${TLS_DIR}/client.pass', caFile: '/etc/relais/ca.pem', serverPin: 'AB:CD' },
  imap: { host: 'imap.example', username: 'actes', passwordFile: '/run/secrets/imap' },
};

describe('endpoint transports', () => {
  it('takes an endpoint without a transport as the plain-HTTP simulator', () => {
    const table = parseRoutingTable({ endpoints: [{ id: 'sim', channel: 'actes', url: 'http://127.0.0.1:3100' }], rules: [] });
    expect(table.endpoints[0]?.transport).toEqual({ kind: 'sim-http' });
  });

  it('reads an @ctes endpoint over mutual TLS with its IMAP mailbox, defaults filled and ${…} replaced', () => {
    const table = parseRoutingTable({ endpoints: [{ id: 'pref', channel: 'actes', url: 'https://actes.example/depot', transport: mtls }], rules: [] }, { TLS_DIR: '/srv/tls' });
    expect(table.endpoints[0]?.transport).toEqual({
      kind: 'https-mtls',
      tls: { pfxFile: '/srv/tls/client.p12', passphraseFile: '/srv/tls/client.pass', caFile: '/etc/relais/ca.pem', serverPin: 'AB:CD', connectTimeoutMs: 60_000, timeoutMs: 180_000 },
      imap: { host: 'imap.example', port: 993, username: 'actes', passwordFile: '/run/secrets/imap', inbox: 'INBOX', processedFolder: 'Traites', setAsideFolder: 'A-verifier' },
    });
  });

  it('reads the basic authentication some ministry servers ask for besides the certificate, its password by file', () => {
    const withAuth = { ...mtls, tls: { ...mtls.tls, basicAuth: { username: 'tdt-relais', passwordFile: '${TLS_DIR}/basic.pass' } } };
    const table = parseRoutingTable({ endpoints: [{ id: 'pref', channel: 'actes', url: 'https://a', transport: withAuth }], rules: [] }, { TLS_DIR: '/srv/tls' });
    expect(table.endpoints[0]?.transport).toMatchObject({ tls: { basicAuth: { username: 'tdt-relais', passwordFile: '/srv/tls/basic.pass' } } });
    const problems = problemsOf({ endpoints: [{ id: 'p', channel: 'actes', url: 'https://a', transport: { ...mtls, tls: { ...mtls.tls, basicAuth: { username: 'x', password: 'inline' } } } }], rules: [] }, { TLS_DIR: '/t' });
    expect(problems).toEqual(['endpoints[0].transport.tls.basicAuth.passwordFile is required', 'endpoints[0].transport.tls.basicAuth.password is not a setting here']);
  });

  it('reads a Hélios endpoint over SFTP, its user, host and port from the URL', () => {
    const table = parseRoutingTable({
      endpoints: [{ id: 'dgfip', channel: 'helios', url: 'sftp://relais@helios.example:2222', transport: { kind: 'sftp', privateKeyFile: '/k', hostKeySha256: 'SHA256:abc' } }],
      rules: [],
    });
    expect(table.endpoints[0]?.transport).toEqual({
      kind: 'sftp', host: 'helios.example', port: 2222, username: 'relais', privateKeyFile: '/k', hostKeySha256: 'SHA256:abc', depositDir: '/depot', returnsDir: '/retours',
    });
  });

  it('lists every problem of a transport: wrong channel, wrong URL, both certificate forms, unknown keys, missing secrets', () => {
    const problems = problemsOf({
      endpoints: [
        { id: 'a', channel: 'helios', url: 'http://x', transport: { ...mtls, tls: { ...mtls.tls, certFile: '/c' }, extra: 1 } },
        { id: 'b', channel: 'helios', url: 'sftp://host', transport: { kind: 'sftp', hostKeySha256: 'x' } },
        { id: 'c', channel: 'actes', url: 'http://x', transport: { kind: 'carrier-pigeon' } },
        { id: 'd', channel: 'actes', url: 'http://x', transport: { kind: 'sim-http' }, colour: 'blue' },
      ],
      rules: [],
    }, { TLS_DIR: '/t' });
    expect(problems).toEqual([
      'endpoints[0].transport: https-mtls carries @ctes, not helios',
      'endpoints[0].transport: https-mtls needs an https URL: http://x',
      'endpoints[0].transport.tls needs either certFile and keyFile (PEM) or pfxFile (PKCS#12), not both',
      'endpoints[0].transport.extra is not a setting here',
      'endpoints[1].transport: sftp needs a URL sftp://user@host[:port]: sftp://host',
      'endpoints[1].transport.privateKeyFile is required',
      'endpoints[2].transport.kind must be sim-http, https-mtls or sftp',
      'endpoints[3].colour is not an endpoint setting',
    ]);
  });

  it('refuses a secret path that is empty once the environment is read', () => {
    const problems = problemsOf({ endpoints: [{ id: 'pref', channel: 'actes', url: 'https://a', transport: { ...mtls, tls: { ...mtls.tls, pfxFile: '${NOPE}' } } }], rules: [] }, { TLS_DIR: '/t' });
    expect(problems).toEqual([
      'endpoints[0].transport.tls.pfxFile is empty once ${…} is replaced: ${NOPE}',
      'endpoints[0].transport.tls needs either certFile and keyFile (PEM) or pfxFile (PKCS#12), not both',
    ]);
  });
});
