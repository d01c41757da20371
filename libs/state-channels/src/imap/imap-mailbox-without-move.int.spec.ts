import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import { findDovecot, findOpenssl, makeTestPki, startDovecot, type TestDovecot, type TestPki } from '../testing/index.js';
import { ImapMailbox } from './imap-mailbox.js';
import type { InboundMail } from './inbound-mail.js';
import { composePrefectureMail } from './prefecture-mail.js';

const openssl = findOpenssl();
const dovecot = findDovecot();
const missing = 'missing' in openssl ? openssl.missing : 'missing' in dovecot ? dovecot.missing : undefined;
if (missing !== undefined) console.warn(`imap-mailbox-without-move.int.spec skipped: ${missing}`);
const describeWithDovecot = missing === undefined ? describe : describe.skip;

describeWithDovecot('ImapMailbox on a server without MOVE (a real dovecot advertising no MOVE)', () => {
  let pki: TestPki;
  let server: TestDovecot;
  let serverDir: string;
  const account = { username: 'operateur', password: 'no-move-s3cret' };

  beforeAll(async () => {
    pki = await makeTestPki(await mkdtemp(join(tmpdir(), 'relais-pki-')));
    serverDir = await mkdtemp(join(tmpdir(), 'relais-dovecot-'));
    server = await startDovecot({ dir: serverDir, certFile: pki.serverCert, keyFile: pki.serverKey, users: [account], withoutMove: true });
  });
  afterAll(async () => {
    await server.stop();
    await rm(serverDir, { recursive: true, force: true });
    await rm(pki.dir, { recursive: true, force: true });
  });

  const all = async (mails: AsyncIterable<InboundMail>): Promise<InboundMail[]> => {
    const read: InboundMail[] = [];
    for await (const mail of mails) read.push(mail);
    return read;
  };
  const open = (inbox?: string): ImapMailbox =>
    new ImapMailbox({ host: server.host, port: server.port, username: account.username, password: account.password, ca: readFileSync(pki.caCert), pinnedSha256: server.serverPin, ...(inbox === undefined ? {} : { inbox }) });

  it('moves with COPY, \\Deleted and EXPUNGE instead, and only the message asked for', async () => {
    const probe = new ImapFlow({ host: server.host, port: server.port, secure: true, auth: { user: account.username, pass: account.password }, logger: false, tls: { ca: readFileSync(pki.caCert) } });
    await probe.connect();
    expect(probe.capabilities.has('MOVE')).toBe(false);
    expect(probe.capabilities.has('UIDPLUS')).toBe(true);
    await probe.logout();

    const inbox = open();
    for (const n of [1, 2]) {
      await inbox.append(await composePrefectureMail({ from: 'actes@pref.gouv.fr', to: 'relais@commune.fr', subject: `AR ${n}`, messageId: `<ar-${n}@pref.gouv.fr>`, attachments: [{ name: `ar-${n}.xml`, content: Buffer.from(`<ar n="${n}"/>`) }] }));
    }
    const [first] = await all(inbox.pending());
    expect(await inbox.markProcessed(first!.uid, first!.uidValidity)).toBe(true);
    await inbox.close();

    expect((await all(inbox.pending())).map((mail) => mail.messageId)).toEqual(['<ar-2@pref.gouv.fr>']);
    await inbox.close();
    const processed = open('Traites');
    expect((await all(processed.pending())).map((mail) => mail.messageId)).toEqual(['<ar-1@pref.gouv.fr>']);
    await processed.close();
  });
});
