// `npm start -- --real-channels` (or RELAIS_REAL_CHANNELS=1): the demo runs the State's real channels
// on loopback (issue 6), with the simulator's logic behind them. Actes go over HTTPS with a client
// certificate (a test CA made here by openssl) to the simulator's TLS face; the préfecture's answers
// are mailed into a local dovecot and read over IMAP; PES files go to a local OpenSSH sftp server, whose
// folders the simulated DGFiP reads and writes; a clamd scans every file. Whatever this machine lacks
// (openssl, dovecot, sshd, clamd) is said, and that part stays on the simulator's plain-HTTP face (or
// goes without antivirus).
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { pathToFileURL } from 'node:url';

function freePort() {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });
}

/**
 * Starts what the machine has and returns the environment for the services, the routing table's path,
 * and how to stop it all. `log` tells the operator what runs and what does not.
 */
export async function startRealChannels(root, simUrl, log) {
  const testing = await import(pathToFileURL(join(root, 'libs', 'state-channels', 'dist', 'testing', 'index.js')).href);
  const dir = await mkdtemp(join(tmpdir(), 'relais-channels-'));
  await chmod(dir, 0o711); // dovecot's processes run as nobody
  const stops = [() => rm(dir, { recursive: true, force: true })];
  const stop = async () => {
    for (const one of stops.reverse()) await one().catch(() => undefined);
  };
  const env = {};
  const endpoints = [];
  const rules = [];
  const missing = (found) => ('missing' in found ? found.missing : undefined);
  try {
    const noOpenssl = missing(testing.findOpenssl());
    const noDovecot = missing(testing.findDovecot());
    const noSshd = missing(testing.findSshd());
    if (noOpenssl === undefined && noDovecot === undefined) {
      const pki = await testing.makeTestPki(await mkdir(join(dir, 'pki'), { recursive: true }).then(() => join(dir, 'pki')));
      const password = 'relais-demo';
      const passwordFile = join(dir, 'imap.pass');
      await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
      await mkdir(join(dir, 'mail'));
      const dovecot = await testing.startDovecot({ dir: join(dir, 'mail'), certFile: pki.serverCert, keyFile: pki.serverKey, users: [{ username: 'actes', password }] });
      stops.push(() => dovecot.stop());
      const tlsPort = await freePort();
      Object.assign(env, {
        STATE_SIM_TLS_PORT: String(tlsPort),
        STATE_SIM_TLS_CERT: pki.serverCert,
        STATE_SIM_TLS_KEY: pki.serverKey,
        STATE_SIM_TLS_CLIENT_CA: pki.caCert,
        STATE_SIM_IMAP_HOST: dovecot.host,
        STATE_SIM_IMAP_PORT: String(dovecot.port),
        STATE_SIM_IMAP_USER: 'actes',
        STATE_SIM_IMAP_PASSWORD_FILE: passwordFile,
        STATE_SIM_IMAP_CA_FILE: pki.caCert,
      });
      endpoints.push({
        id: 'prefecture-mtls',
        channel: 'actes',
        url: `https://127.0.0.1:${tlsPort}/sim/actes`,
        label: 'Simulated préfecture over mutual TLS, answers by IMAP (demo)',
        transport: {
          kind: 'https-mtls',
          tls: { pfxFile: pki.clientPfx, passphraseFile: pki.clientPfxPassphraseFile, caFile: pki.caCert, serverPin: pki.serverPin },
          imap: { host: dovecot.host, port: dovecot.port, username: 'actes', passwordFile, caFile: pki.caCert, serverPin: dovecot.serverPin },
        },
      });
      rules.push({ channel: 'actes', departement: '*', endpoint: 'prefecture-mtls' });
      log(`@ctes over mutual TLS to https://127.0.0.1:${tlsPort}, answers by IMAP from dovecot on 127.0.0.1:${dovecot.port}`);
    } else {
      log(`@ctes stays on the simulator's HTTP face: ${noOpenssl ?? noDovecot}`);
      endpoints.push({ id: 'state-sim-actes', channel: 'actes', url: simUrl });
      rules.push({ channel: 'actes', departement: '*', endpoint: 'state-sim-actes' });
    }
    if (noSshd === undefined) {
      const sftpDir = await testing.makeSftpServerDir();
      stops.push(() => rm(sftpDir, { recursive: true, force: true }));
      const sftp = await testing.startSftpServer({ dir: sftpDir });
      stops.push(() => sftp.stop());
      Object.assign(env, { STATE_SIM_SFTP_DEPOSIT_DIR: sftp.depositDir, STATE_SIM_SFTP_RETURNS_DIR: sftp.returnsDir });
      endpoints.push({
        id: 'dgfip-sftp',
        channel: 'helios',
        url: `sftp://${sftp.username}@${sftp.host}:${sftp.port}`,
        label: 'Simulated DGFiP over SFTP (demo)',
        transport: { kind: 'sftp', privateKeyFile: sftp.privateKeyFile, hostKeySha256: sftp.hostKeySha256, depositDir: sftp.remoteDepositDir, returnsDir: sftp.remoteReturnsDir },
      });
      rules.push({ channel: 'helios', idPost: '*', endpoint: 'dgfip-sftp' });
      log(`Hélios over SFTP to OpenSSH on 127.0.0.1:${sftp.port}`);
    } else {
      log(`Hélios stays on the simulator's HTTP face: ${noSshd}`);
      endpoints.push({ id: 'state-sim-helios', channel: 'helios', url: simUrl });
      rules.push({ channel: 'helios', idPost: '*', endpoint: 'state-sim-helios' });
    }
    const checks = await import(pathToFileURL(join(root, 'libs', 'file-checks', 'dist', 'testing', 'index.js')).href);
    const noClamd = missing(checks.findClamd());
    if (noClamd === undefined) {
      await mkdir(join(dir, 'clamd'));
      // Its database holds one signature, of the EICAR test file: real ones cannot be fetched offline.
      const clamd = await checks.startClamd({ dir: join(dir, 'clamd') });
      stops.push(() => clamd.stop());
      env.RELAIS_CLAMD = `${clamd.host}:${clamd.port}`;
      log(`antivirus: clamd on ${env.RELAIS_CLAMD} (its database knows only the EICAR test file)`);
    } else {
      log(`no antivirus: ${noClamd}`);
    }
    const routingFile = join(dir, 'routing.json');
    await writeFile(routingFile, `${JSON.stringify({ endpoints, rules }, null, 2)}\n`);
    env.RELAIS_ROUTING_FILE = routingFile;
    return { env, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
