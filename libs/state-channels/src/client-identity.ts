import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Socket } from 'node:net';
import { TLSSocket, createSecureContext } from 'node:tls';
import { CHANNEL_ERRORS, ChannelError, errorCode, messageOf } from './errors.js';

/** Where the operator's client certificate lives: a PEM pair, or a PKCS#12 bundle. */
export interface ClientIdentityFiles {
  /** PEM certificate (the leaf first; intermediates may follow). */
  readonly certFile?: string;
  /** PEM private key, possibly encrypted. */
  readonly keyFile?: string;
  /** PKCS#12 bundle (`.p12` / `.pfx`). */
  readonly pfxFile?: string;
  /** Secret file holding the key's or the bundle's password; a trailing newline is not part of it. */
  readonly passphraseFile?: string;
}

/** The TLS material of a client identity, ready for `tls.connect`. */
export type ClientCredentials =
  | { readonly kind: 'pem'; readonly cert: Buffer; readonly key: Buffer; readonly passphrase?: string }
  | { readonly kind: 'pkcs12'; readonly pfx: Buffer; readonly passphrase?: string };

/** A loaded client identity: what TLS needs, and the leaf certificate to watch for expiry. */
export interface ClientIdentity {
  readonly credentials: ClientCredentials;
  readonly certificate: X509Certificate;
}

/**
 * Loads and checks the client certificate the State's servers expect: the files are read, the
 * password opens the key or bundle, the key matches the certificate. Throws a {@link ChannelError}
 * (`CHANNEL.CLIENT_CERT_*`) saying which of these failed, so that a service refuses to start with it.
 */
export async function loadClientIdentity(files: ClientIdentityFiles): Promise<ClientIdentity> {
  const pem = files.certFile !== undefined || files.keyFile !== undefined;
  const pkcs12 = files.pfxFile !== undefined;
  if (pem === pkcs12) {
    throw new ChannelError(CHANNEL_ERRORS.CLIENT_CERT_CONFIG_INVALID, 'give either a PEM certificate and key, or a PKCS#12 bundle');
  }
  const passphrase = files.passphraseFile === undefined ? undefined : (await readSecret(files.passphraseFile)).replace(/\r?\n$/, '');
  if (files.pfxFile !== undefined) return loadPkcs12(await readSecret(files.pfxFile, 'binary'), passphrase);
  if (files.certFile === undefined || files.keyFile === undefined) {
    throw new ChannelError(CHANNEL_ERRORS.CLIENT_CERT_CONFIG_INVALID, 'a PEM identity needs both a certificate file and a key file');
  }
  return loadPem(await readSecret(files.certFile, 'binary'), await readSecret(files.keyFile, 'binary'), passphrase);
}

function loadPem(cert: Buffer, key: Buffer, passphrase: string | undefined): ClientIdentity {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(cert);
  } catch (error) {
    throw new ChannelError(CHANNEL_ERRORS.CLIENT_CERT_UNREADABLE, `the client certificate does not parse (${messageOf(error)})`, { cause: error });
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key, passphrase });
  } catch (error) {
    const code = errorCode(error);
    // An encrypted key with no passphrase ends in OpenSSL's "interrupted or cancelled" prompt.
    if (code === 'ERR_OSSL_BAD_DECRYPT' || code === 'ERR_OSSL_CRYPTO_INTERRUPTED_OR_CANCELLED' || code === 'ERR_MISSING_PASSPHRASE') {
      throw new ChannelError(CHANNEL_ERRORS.CLIENT_CERT_PASSPHRASE_WRONG, 'the passphrase does not open the client key', { cause: error });
    }
    throw new ChannelError(CHANNEL_ERRORS.CLIENT_CERT_UNREADABLE, `the client key does not parse (${messageOf(error)})`, { cause: error });
  }
  if (!certificate.checkPrivateKey(privateKey)) {
    throw new ChannelError(CHANNEL_ERRORS.CLIENT_CERT_KEY_MISMATCH, `the key is not that of the certificate ${certificate.subject}`);
  }
  return { credentials: { kind: 'pem', cert, key, ...(passphrase === undefined ? {} : { passphrase }) }, certificate };
}

function loadPkcs12(pfx: Buffer, passphrase: string | undefined): ClientIdentity {
  let socket: TLSSocket | undefined;
  try {
    // Node parses PKCS#12 only through a TLS context; an unconnected socket over it shows its leaf.
    socket = new TLSSocket(new Socket(), { secureContext: createSecureContext({ pfx, passphrase }) });
    const leaf = socket.getCertificate();
    if (leaf === null || !('raw' in leaf)) throw new Error('the bundle holds no certificate');
    return { credentials: { kind: 'pkcs12', pfx, ...(passphrase === undefined ? {} : { passphrase }) }, certificate: new X509Certificate(leaf.raw) };
  } catch (error) {
    if (messageOf(error).includes('mac verify failure')) {
      throw new ChannelError(CHANNEL_ERRORS.CLIENT_CERT_PASSPHRASE_WRONG, 'the passphrase does not open the PKCS#12 bundle', { cause: error });
    }
    throw new ChannelError(CHANNEL_ERRORS.CLIENT_CERT_UNREADABLE, `the PKCS#12 bundle does not parse (${messageOf(error)})`, { cause: error });
  } finally {
    socket?.destroy();
  }
}

async function readSecret(path: string): Promise<string>;
async function readSecret(path: string, as: 'binary'): Promise<Buffer>;
async function readSecret(path: string, as?: 'binary'): Promise<string | Buffer> {
  try {
    return as === 'binary' ? await readFile(path) : await readFile(path, 'utf8');
  } catch (error) {
    throw new ChannelError(CHANNEL_ERRORS.CLIENT_CERT_UNREADABLE, `cannot read ${path} (${errorCode(error) ?? messageOf(error)})`, { cause: error });
  }
}
