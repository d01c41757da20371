/**
 * How the transmitter reaches an endpoint (issue 6): the plain-HTTP simulator for demos and
 * benchmarks, or the State's real channels (DOMAIN.md §1.2 and §2.3): @ctes archives POSTed over
 * mutual TLS with the préfecture's answers read from an IMAP mailbox, Hélios files deposited and
 * returns collected over SFTP. Secrets never sit in the table: it names the files that hold them.
 */
export type EndpointTransport = SimHttpTransport | MutualTlsTransport | SftpTransport;

/** The simulator's plain-HTTP face (`/sim/actes`, `/sim/mailbox`, `/sim/pes`, `/sim/pes/returns`) at the endpoint's URL. */
export interface SimHttpTransport {
  readonly kind: 'sim-http';
}

/** @ctes for real: each archive POSTed to `<url>/<archive name>` over HTTPS with a client certificate, answers by IMAP. */
export interface MutualTlsTransport {
  readonly kind: 'https-mtls';
  readonly tls: MutualTlsSettings;
  readonly imap: ImapSettings;
}

/** The client certificate (a PEM pair, or a PKCS#12 bundle) and the server's pin. */
export interface MutualTlsSettings {
  readonly certFile?: string;
  readonly keyFile?: string;
  readonly pfxFile?: string;
  /** The file holding the key's or the bundle's password. */
  readonly passphraseFile?: string;
  /** CAs the server's chain must verify against (PEM); the system's when absent. */
  readonly caFile?: string;
  /** SHA-256 of the ministry's server certificate (hex, with or without colons). */
  readonly serverPin: string;
  /** DOMAIN.md §1.2: 60 s to connect, 180 s in all. */
  readonly connectTimeoutMs: number;
  readonly timeoutMs: number;
  /** HTTP basic authentication on top of the certificate, where the ministry asks for it (DOMAIN.md §1.2). */
  readonly basicAuth?: { readonly username: string; readonly passwordFile: string };
}

/** The operator's mailbox where the préfecture's messages arrive (implicit TLS). */
export interface ImapSettings {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly passwordFile: string;
  readonly caFile?: string;
  /** SHA-256 of the mail server's certificate, when it is pinned. */
  readonly serverPin?: string;
  readonly inbox: string;
  /** Where a message goes once its event is committed. */
  readonly processedFolder: string;
  /** Where a message that matches nothing waits for an operator. */
  readonly setAsideFolder: string;
}

/** Hélios for real: the DGFiP's SFTP server, key authentication, its host key pinned. */
export interface SftpTransport {
  readonly kind: 'sftp';
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly privateKeyFile: string;
  readonly passphraseFile?: string;
  /** The server's host key: OpenSSH's `SHA256:<base64>` or hex. */
  readonly hostKeySha256: string;
  readonly depositDir: string;
  readonly returnsDir: string;
}

/** The transport of an endpoint without one: the simulator. */
export const SIM_HTTP: SimHttpTransport = { kind: 'sim-http' };

type Substitute = (text: string) => string;

/**
 * Checks the `transport` of an endpoint of `channel` whose URL is `url`, pushing each problem; absent,
 * it is the simulator. Every string goes through `substitute` (`${NAME}` from the environment).
 */
export function parseTransport(
  value: unknown,
  channel: string,
  url: string,
  where: string,
  problems: string[],
  substitute: Substitute,
): EndpointTransport {
  if (value === undefined) return SIM_HTTP;
  if (!isRecord(value)) {
    problems.push(`${where} must be an object with a kind (sim-http, https-mtls, sftp)`);
    return SIM_HTTP;
  }
  const read = new Reader(value, where, problems, substitute);
  const kind = read.text('kind');
  switch (kind) {
    case 'sim-http':
      read.done(['kind']);
      return SIM_HTTP;
    case 'https-mtls': {
      if (channel !== 'actes') problems.push(`${where}: https-mtls carries @ctes, not ${channel}`);
      if (!url.startsWith('https:')) problems.push(`${where}: https-mtls needs an https URL: ${url}`);
      const tls = read.object('tls', (r) => mutualTls(r));
      const imap = read.object('imap', (r) => imapSettings(r));
      read.done(['kind', 'tls', 'imap']);
      return { kind, tls: tls ?? emptyTls(), imap: imap ?? emptyImap() };
    }
    case 'sftp': {
      if (channel !== 'helios') problems.push(`${where}: sftp carries Hélios files, not ${channel}`);
      const parsed = sftpFromUrl(url);
      if (parsed === undefined) problems.push(`${where}: sftp needs a URL sftp://user@host[:port]: ${url}`);
      const transport: SftpTransport = {
        kind,
        host: parsed?.host ?? '',
        port: parsed?.port ?? 22,
        username: parsed?.username ?? '',
        privateKeyFile: read.text('privateKeyFile') ?? '',
        ...optional('passphraseFile', read.text('passphraseFile', false)),
        hostKeySha256: read.text('hostKeySha256') ?? '',
        depositDir: read.text('depositDir', false) ?? '/depot',
        returnsDir: read.text('returnsDir', false) ?? '/retours',
      };
      read.done(['kind', 'privateKeyFile', 'passphraseFile', 'hostKeySha256', 'depositDir', 'returnsDir']);
      return transport;
    }
    case undefined:
    default:
      problems.push(`${where}.kind must be sim-http, https-mtls or sftp`);
      return SIM_HTTP;
  }
}

function mutualTls(read: Reader): MutualTlsSettings {
  const certFile = read.text('certFile', false);
  const keyFile = read.text('keyFile', false);
  const pfxFile = read.text('pfxFile', false);
  const pem = certFile !== undefined || keyFile !== undefined;
  if (pem === (pfxFile !== undefined) || (pem && (certFile === undefined || keyFile === undefined))) {
    read.problem('needs either certFile and keyFile (PEM) or pfxFile (PKCS#12), not both');
  }
  const settings: MutualTlsSettings = {
    ...optional('certFile', certFile),
    ...optional('keyFile', keyFile),
    ...optional('pfxFile', pfxFile),
    ...optional('passphraseFile', read.text('passphraseFile', false)),
    ...optional('caFile', read.text('caFile', false)),
    serverPin: read.text('serverPin') ?? '',
    connectTimeoutMs: read.integer('connectTimeoutMs', 60_000, 100, 600_000),
    timeoutMs: read.integer('timeoutMs', 180_000, 100, 3_600_000),
    ...(read.has('basicAuth') ? { basicAuth: read.object('basicAuth', basicAuth) ?? { username: '', passwordFile: '' } } : {}),
  };
  read.done(['certFile', 'keyFile', 'pfxFile', 'passphraseFile', 'caFile', 'serverPin', 'connectTimeoutMs', 'timeoutMs', 'basicAuth']);
  return settings;
}

function basicAuth(read: Reader): { username: string; passwordFile: string } {
  const settings = { username: read.text('username') ?? '', passwordFile: read.text('passwordFile') ?? '' };
  read.done(['username', 'passwordFile']);
  return settings;
}

function imapSettings(read: Reader): ImapSettings {
  const settings: ImapSettings = {
    host: read.text('host') ?? '',
    port: read.integer('port', 993, 1, 65_535),
    username: read.text('username') ?? '',
    passwordFile: read.text('passwordFile') ?? '',
    ...optional('caFile', read.text('caFile', false)),
    ...optional('serverPin', read.text('serverPin', false)),
    inbox: read.text('inbox', false) ?? 'INBOX',
    processedFolder: read.text('processedFolder', false) ?? 'Traites',
    setAsideFolder: read.text('setAsideFolder', false) ?? 'A-verifier',
  };
  read.done(['host', 'port', 'username', 'passwordFile', 'caFile', 'serverPin', 'inbox', 'processedFolder', 'setAsideFolder']);
  return settings;
}

function sftpFromUrl(url: string): { host: string; port: number; username: string } | undefined {
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'sftp:' || parsed.hostname === '' || parsed.username === '') return undefined;
    return { host: parsed.hostname, port: parsed.port === '' ? 22 : Number(parsed.port), username: decodeURIComponent(parsed.username) };
  } catch {
    return undefined;
  }
}

function emptyTls(): MutualTlsSettings {
  return { serverPin: '', connectTimeoutMs: 60_000, timeoutMs: 180_000 };
}

function emptyImap(): ImapSettings {
  return { host: '', port: 993, username: '', passwordFile: '', inbox: 'INBOX', processedFolder: 'Traites', setAsideFolder: 'A-verifier' };
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}

/** Reads the fields of one settings object, each problem named by its path. */
class Reader {
  constructor(
    private readonly value: Record<string, unknown>,
    private readonly where: string,
    private readonly problems: string[],
    private readonly substitute: Substitute,
  ) {}

  problem(text: string): void {
    this.problems.push(`${this.where} ${text}`);
  }

  has(key: string): boolean {
    return this.value[key] !== undefined;
  }

  text(key: string, required = true): string | undefined {
    const raw = this.value[key];
    if (raw === undefined) {
      if (required) this.problems.push(`${this.where}.${key} is required`);
      return undefined;
    }
    if (typeof raw !== 'string' || raw.trim() === '') {
      this.problems.push(`${this.where}.${key} must be a non-empty string`);
      return undefined;
    }
    const resolved = this.substitute(raw);
    if (resolved.trim() === '') {
      this.problems.push(`${this.where}.${key} is empty once \${…} is replaced: ${raw}`);
      return undefined;
    }
    return resolved;
  }

  integer(key: string, fallback: number, min: number, max: number): number {
    const raw = this.value[key];
    if (raw === undefined) return fallback;
    const value = typeof raw === 'string' ? Number(this.substitute(raw)) : raw;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
      this.problems.push(`${this.where}.${key} must be a whole number from ${min.toString()} to ${max.toString()}`);
      return fallback;
    }
    return value;
  }

  object<T>(key: string, parse: (read: Reader) => T): T | undefined {
    const raw = this.value[key];
    if (!isRecord(raw)) {
      this.problems.push(`${this.where}.${key} must be an object`);
      return undefined;
    }
    return parse(new Reader(raw, `${this.where}.${key}`, this.problems, this.substitute));
  }

  done(known: readonly string[]): void {
    for (const key of Object.keys(this.value)) if (!known.includes(key)) this.problems.push(`${this.where}.${key} is not a setting here`);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
