import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CONFIG = `
[ req ]
distinguished_name = dn
prompt = no
[ dn ]
CN = Relais test timestamping authority
[ tsa_ext ]
basicConstraints = critical,CA:false
keyUsage = critical,digitalSignature
extendedKeyUsage = critical,timeStamping
[ tsa ]
default_tsa = tsa_config
[ tsa_config ]
dir = .
serial = SERIAL
signer_cert = CERT
signer_key = KEY
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256
accuracy = secs:1
ordering = yes
tsa_name = no
ess_cert_id_chain = no
ess_cert_id_alg = sha256
`;

/**
 * A real RFC 3161 timestamping authority for tests: OpenSSL's `ts -reply` with its own self-signed
 * timeStamping certificate, behind HTTP. `failing` makes it answer 503 (an outage).
 */
export class TestTsa {
  failing = false;
  requests = 0;
  private constructor(
    readonly dir: string,
    private readonly server: Server,
  ) {}

  static async start(): Promise<TestTsa> {
    const dir = mkdtempSync(join(tmpdir(), 'relais-tsa-'));
    const config = CONFIG.replace('SERIAL', join(dir, 'serial')).replace('CERT', join(dir, 'tsa.crt')).replace('KEY', join(dir, 'tsa.key'));
    writeFileSync(join(dir, 'tsa.cnf'), config);
    writeFileSync(join(dir, 'serial'), '01\n');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'tsa.key'), '-out', join(dir, 'tsa.crt'), '-days', '2', '-config', join(dir, 'tsa.cnf'), '-extensions', 'tsa_ext'], { stdio: 'ignore' });
    const holder: { tsa?: TestTsa } = {};
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const tsa = holder.tsa;
        if (!tsa) return;
        tsa.requests++;
        if (tsa.failing || req.method !== 'POST' || req.headers['content-type'] !== 'application/timestamp-query') {
          res.writeHead(tsa.failing ? 503 : 400).end();
          return;
        }
        const query = join(dir, `q${String(tsa.requests)}.tsq`);
        const reply = join(dir, `r${String(tsa.requests)}.tsr`);
        writeFileSync(query, Buffer.concat(chunks));
        execFileSync('openssl', ['ts', '-reply', '-queryfile', query, '-config', join(dir, 'tsa.cnf'), '-section', 'tsa_config', '-out', reply], { stdio: 'ignore' });
        res.writeHead(200, { 'content-type': 'application/timestamp-reply' }).end(readFileSync(reply));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    holder.tsa = new TestTsa(dir, server);
    return holder.tsa;
  }

  get url(): string {
    return `http://127.0.0.1:${String((this.server.address() as AddressInfo).port)}/tsa`;
  }

  get certificate(): string {
    return join(this.dir, 'tsa.crt');
  }

  /** `openssl ts -verify` of a token over `digest` against this authority's certificate: true when it verifies. */
  verify(token: Buffer, digest: Buffer): boolean {
    const file = join(this.dir, `token-${digest.toString('hex').slice(0, 16)}.der`);
    writeFileSync(file, token);
    try {
      execFileSync('openssl', ['ts', '-verify', '-digest', digest.toString('hex'), '-in', file, '-token_in', '-CAfile', this.certificate], { stdio: 'pipe' });
      return true;
    } catch {
      return false;
    }
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => {
        resolve();
      });
    });
    rmSync(this.dir, { recursive: true, force: true });
  }
}
