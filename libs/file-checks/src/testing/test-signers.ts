import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { accessSync, constants } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

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
  return { missing: 'the openssl CLI is not on the PATH (apt-get install openssl): the signature tests make their keys, certificates and signatures with it' };
}

/** A key and its certificate, as files and as PEM text. */
export interface TestIdentity {
  readonly certFile: string;
  readonly keyFile: string;
  readonly certPem: string;
  readonly keyPem: string;
}

/** A test PKI made by {@link makeTestSigners}; every file is in `dir`. */
export interface TestSigners {
  readonly dir: string;
  /** The test CA (`CN=Relais Test Signing CA`), trust anchor of the signers it issued. */
  readonly ca: TestIdentity;
  /** An RSA signer issued by the CA, valid for a year (`CN=Marie Dupont, O=Commune de Test`). */
  readonly signer: TestIdentity;
  /** A self-signed RSA signer from no CA (`CN=Self Signed Mayor`). */
  readonly selfSigned: TestIdentity;
  /** An RSA signer issued by the CA whose validity ran from 2020-01-01 to 2020-02-01. */
  readonly expired: TestIdentity;
  /** Another CA, which issued nobody here: a trust list holding only it trusts none of the signers. */
  readonly otherCa: TestIdentity;
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
organizationName = optional
countryName = optional
[signer_ext]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature,nonRepudiation
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
`;

/**
 * Makes signing identities in `dir` with the `openssl` CLI: a CA, a signer it issued, an expired
 * signer it issued (`openssl ca -startdate/-enddate`, no fake clock needed), a self-signed signer and
 * an unrelated CA. RSA 2048 keys throughout, as XMLDSig's RSA algorithms need.
 */
export async function makeTestSigners(dir: string): Promise<TestSigners> {
  const openssl = opensslIn(dir);
  const newKey = (name: string): Promise<void> => openssl('genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', `${name}.key`);
  const makeCa = async (name: string, cn: string): Promise<void> => {
    await newKey(name);
    await openssl('req', '-x509', '-new', '-key', `${name}.key`, '-subj', `/CN=${cn}`, '-days', '3650', '-out', `${name}.crt`,
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  };
  const issue = async (name: string, subject: string, validity: string[]): Promise<void> => {
    await newKey(name);
    await openssl('req', '-new', '-key', `${name}.key`, '-subj', subject, '-out', `${name}.csr`);
    await openssl('ca', '-batch', '-config', 'ca.cnf', '-cert', 'ca.crt', '-keyfile', 'ca.key', '-in', `${name}.csr`, '-out', `${name}.crt`,
      '-extensions', 'signer_ext', '-notext', ...validity);
  };

  await writeFile(join(dir, 'ca.cnf'), CA_CONFIG);
  await writeFile(join(dir, 'index.txt'), '');
  await writeFile(join(dir, 'serial'), '1000\n');
  await makeCa('ca', 'Relais Test Signing CA');
  await makeCa('other-ca', 'Some Other CA');
  await issue('signer', '/C=FR/O=Commune de Test/CN=Marie Dupont', ['-days', '365']);
  await issue('expired', '/C=FR/O=Commune de Test/CN=Jean Expire', ['-startdate', '20200101000000Z', '-enddate', '20200201000000Z']);
  await newKey('self-signed');
  await openssl('req', '-x509', '-new', '-key', 'self-signed.key', '-subj', '/CN=Self Signed Mayor', '-days', '365', '-out', 'self-signed.crt');

  const identity = async (name: string): Promise<TestIdentity> => ({
    certFile: join(dir, `${name}.crt`),
    keyFile: join(dir, `${name}.key`),
    certPem: await readFile(join(dir, `${name}.crt`), 'utf8'),
    keyPem: await readFile(join(dir, `${name}.key`), 'utf8'),
  });
  return {
    dir,
    ca: await identity('ca'),
    signer: await identity('signer'),
    selfSigned: await identity('self-signed'),
    expired: await identity('expired'),
    otherCa: await identity('other-ca'),
  };
}

/** How {@link signWithOpenssl} signs. */
export interface OpensslSignOptions {
  /** A directory for the temporary files (the PKI's own will do). */
  readonly dir: string;
  readonly signer: TestIdentity;
  /** Output as DER (default) or PEM (`-----BEGIN CMS-----`). */
  readonly format?: 'DER' | 'PEM';
  /** Embed the content (`-nodetach`) instead of a detached signature. */
  readonly attached?: boolean;
  /** Extra certificates to carry in the SignedData (the CA's, say). */
  readonly certFile?: string;
  /** No signed attributes (`-noattr`): the signature is then over the content itself, with no signing time. */
  readonly noAttributes?: boolean;
}

/**
 * Signs `content` with `openssl cms -sign -binary` (detached unless asked otherwise, SHA-256, the
 * usual signed attributes: content type, signing time, message digest) and returns the signature.
 */
export async function signWithOpenssl(content: Uint8Array, options: OpensslSignOptions): Promise<Buffer> {
  const openssl = opensslIn(options.dir);
  const base = `cms-${randomUUID()}`;
  await writeFile(join(options.dir, `${base}.bin`), content);
  await openssl(
    'cms', '-sign', '-binary', '-md', 'sha256',
    '-in', `${base}.bin`, '-signer', options.signer.certFile, '-inkey', options.signer.keyFile,
    '-outform', options.format ?? 'DER', '-out', `${base}.p7s`,
    ...(options.attached === true ? ['-nodetach'] : []),
    ...(options.noAttributes === true ? ['-noattr'] : []),
    ...(options.certFile === undefined ? [] : ['-certfile', options.certFile]),
  );
  return readFile(join(options.dir, `${base}.p7s`));
}

function opensslIn(dir: string): (...args: string[]) => Promise<void> {
  const found = findOpenssl();
  if ('missing' in found) throw new Error(found.missing);
  return async (...args: string[]): Promise<void> => {
    await run(found.path, args, { cwd: dir });
  };
}
