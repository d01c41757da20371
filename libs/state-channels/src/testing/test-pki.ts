import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { accessSync, constants } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Files of a test PKI made by {@link makeTestPki}; every path is inside the directory given. */
export interface TestPki {
  readonly dir: string;
  /** The test CA's certificate (PEM), which signed all the others. */
  readonly caCert: string;
  /** Server certificate for `127.0.0.1` (SAN IP) and `localhost`, and its key. */
  readonly serverCert: string;
  readonly serverKey: string;
  /** SHA-256 of the server certificate's DER, as `openssl x509 -fingerprint -sha256` prints it. */
  readonly serverPin: string;
  /** A second server certificate from the same CA, for the wrong-pin case. */
  readonly otherServerCert: string;
  readonly otherServerKey: string;
  /** A client certificate valid for a year, and its key (PEM, unencrypted). */
  readonly clientCert: string;
  readonly clientKey: string;
  /** The same client identity as a PKCS#12 bundle, and the secret file holding its password. */
  readonly clientPfx: string;
  readonly clientPfxPassphraseFile: string;
  /** A self-signed client certificate, valid but from no CA the server knows, and its key. */
  readonly strangerClientCert: string;
  readonly strangerClientKey: string;
  /** A client certificate whose validity ended on 2020-02-01, and its key. */
  readonly expiredClientCert: string;
  readonly expiredClientKey: string;
}

/** The `openssl` CLI, or why the tests that need it cannot run. */
export function findOpenssl(): { readonly path: string } | { readonly missing: string } {
  for (const dir of (process.env.PATH ?? '/usr/bin').split(':')) {
    const path = join(dir, 'openssl');
    try {
      accessSync(path, constants.X_OK);
      return { path };
    } catch {
      // Not in this directory of the PATH.
    }
  }
  return { missing: 'the openssl CLI is not on the PATH (apt-get install openssl): the TLS tests need a test PKI made by it' };
}

const CA_CONFIG = `[ca]
default_ca = test_ca
[test_ca]
database = index.txt
new_certs_dir = .
serial = serial
default_md = sha256
policy = any
unique_subject = no
copy_extensions = none
[any]
commonName = supplied
[server_ext]
basicConstraints = CA:FALSE
keyUsage = digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, DNS:localhost
[client_ext]
basicConstraints = CA:FALSE
keyUsage = digitalSignature
extendedKeyUsage = clientAuth
`;

/**
 * Makes a test PKI in `dir` with the `openssl` CLI: a CA, two server certificates for 127.0.0.1, a
 * client certificate in PEM and PKCS#12, and an expired client certificate. Certificates are issued
 * with `openssl ca`, whose `-startdate`/`-enddate` set any validity period (OpenSSL 3.0 has no
 * `x509 -not_before`), so the expired one needs no fake clock.
 */
export async function makeTestPki(dir: string): Promise<TestPki> {
  const found = findOpenssl();
  if ('missing' in found) throw new Error(found.missing);
  const openssl = async (...args: string[]): Promise<void> => {
    await run(found.path, args, { cwd: dir });
  };
  const newKey = (name: string): Promise<void> => openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${name}.key`);
  const issue = async (name: string, cn: string, extensions: string, validity: string[]): Promise<void> => {
    await newKey(name);
    await openssl('req', '-new', '-key', `${name}.key`, '-subj', `/CN=${cn}`, '-out', `${name}.csr`);
    await openssl('ca', '-batch', '-config', 'ca.cnf', '-cert', 'ca.crt', '-keyfile', 'ca.key', '-in', `${name}.csr`, '-out', `${name}.crt`, '-extensions', extensions, '-notext', ...validity);
  };

  await writeFile(join(dir, 'ca.cnf'), CA_CONFIG);
  await writeFile(join(dir, 'index.txt'), '');
  await writeFile(join(dir, 'serial'), '1000\n');
  await newKey('ca');
  await openssl('req', '-x509', '-new', '-key', 'ca.key', '-subj', '/CN=Relais Test CA', '-days', '3650', '-out', 'ca.crt',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  await issue('server', 'State test server', 'server_ext', ['-days', '365']);
  await issue('other-server', 'Impostor server', 'server_ext', ['-days', '365']);
  await issue('client', 'Relais test operator', 'client_ext', ['-days', '365']);
  await issue('expired-client', 'Relais expired operator', 'client_ext', ['-startdate', '20200101000000Z', '-enddate', '20200201000000Z']);
  await newKey('stranger-client');
  await openssl('req', '-x509', '-new', '-key', 'stranger-client.key', '-subj', '/CN=Stranger', '-days', '365', '-out', 'stranger-client.crt');
  const passphrase = 'pkcs12 s3cret';
  await writeFile(join(dir, 'client.p12.pass'), `${passphrase}\n`, { mode: 0o600 });
  await openssl('pkcs12', '-export', '-inkey', 'client.key', '-in', 'client.crt', '-certfile', 'ca.crt', '-out', 'client.p12', '-passout', `pass:${passphrase}`);

  const serverCert = join(dir, 'server.crt');
  return {
    dir,
    caCert: join(dir, 'ca.crt'),
    serverCert,
    serverKey: join(dir, 'server.key'),
    serverPin: new X509Certificate(await readFile(serverCert)).fingerprint256,
    otherServerCert: join(dir, 'other-server.crt'),
    otherServerKey: join(dir, 'other-server.key'),
    clientCert: join(dir, 'client.crt'),
    clientKey: join(dir, 'client.key'),
    clientPfx: join(dir, 'client.p12'),
    clientPfxPassphraseFile: join(dir, 'client.p12.pass'),
    strangerClientCert: join(dir, 'stranger-client.crt'),
    strangerClientKey: join(dir, 'stranger-client.key'),
    expiredClientCert: join(dir, 'expired-client.crt'),
    expiredClientKey: join(dir, 'expired-client.key'),
  };
}
