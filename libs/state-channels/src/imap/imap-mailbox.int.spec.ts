import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { X509Certificate, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ImapFlow } from 'imapflow';
import { CHANNEL_ERRORS } from '../errors.js';
import { findDovecot, findOpenssl, makeTestPki, startDovecot, type TestDovecot, type TestPki } from '../testing/index.js';
import { ImapMailbox, type ImapMailboxSettings } from './imap-mailbox.js';
import type { InboundMail } from './inbound-mail.js';
import { composePrefectureMail } from './prefecture-mail.js';

const openssl = findOpenssl();
const dovecot = findDovecot();
const missing = 'missing' in openssl ? openssl.missing : 'missing' in dovecot ? dovecot.missing : undefined;
if (missing !== undefined) console.warn(`imap-mailbox.int.spec skipped: ${missing}`);
const describeWithDovecot = missing === undefined ? describe : describe.skip;

const USERS = ['flow', 'problems', 'refused', 'pinned', 'restart', 'crash', 'timeout', 'kept'] as const;
const passwordOf = (username: string): string => `${username}-imap-s3cret`;

describeWithDovecot('ImapMailbox (a real dovecot over imaps)', () => {
  let pki: TestPki;
  let server: TestDovecot;
  let serverDir: string;
  const opened: ImapMailbox[] = [];

  beforeAll(async () => {
    pki = await makeTestPki(await mkdtemp(join(tmpdir(), 'relais-pki-')));
    serverDir = await mkdtemp(join(tmpdir(), 'relais-dovecot-'));
    server = await startDovecot({ dir: serverDir, certFile: pki.serverCert, keyFile: pki.serverKey, users: USERS.map((username) => ({ username, password: passwordOf(username) })) });
  });
  afterEach(async () => {
    server.resume();
    await Promise.all(opened.splice(0).map((mailbox) => mailbox.close()));
  });
  afterAll(async () => {
    await server.stop();
    await rm(serverDir, { recursive: true, force: true });
    await rm(pki.dir, { recursive: true, force: true });
  });

  const mailbox = (username: (typeof USERS)[number], overrides: Partial<ImapMailboxSettings> = {}): ImapMailbox => {
    const opening = new ImapMailbox({
      host: server.host,
      port: server.port,
      username,
      password: passwordOf(username),
      ca: readFileSync(pki.caCert),
      pinnedSha256: server.serverPin,
      connectTimeoutMs: 5_000,
      commandTimeoutMs: 5_000,
      ...overrides,
    });
    opened.push(opening);
    return opening;
  };
  const all = async (mails: AsyncIterable<InboundMail>): Promise<InboundMail[]> => {
    const read: InboundMail[] = [];
    for await (const mail of mails) read.push(mail);
    return read;
  };
  const reply = (n: number, attachments: { name: string; content: Buffer; contentType?: string }[]): Promise<Buffer> =>
    composePrefectureMail({ from: 'actes@haute-garonne.gouv.fr', to: 'relais@commune.fr', subject: `Accusé de réception n°${n}`, messageId: `<reply-${n}@pref.gouv.fr>`, attachments });

  /** A mail as some préfecture software writes it: an RFC 2231 file name in ISO-8859-1, an RFC 2047 one in the part's `name`. */
  const latin1Mail = (archive: Buffer): Buffer => Buffer.from([
    'From: =?ISO-8859-1?Q?Pr=E9fecture?= <actes@haute-garonne.gouv.fr>',
    'To: relais@commune.fr',
    'Subject: =?ISO-8859-1?Q?D=E9lib=E9ration_transmise?=',
    'Message-ID: <reply-3@pref.gouv.fr>',
    'Date: Mon, 02 Nov 2026 10:00:00 +0100',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="frontiere"',
    '',
    '--frontiere',
    'Content-Type: text/plain; charset=ISO-8859-1',
    '',
    'Ci-joint.',
    '--frontiere',
    'Content-Type: application/octet-stream; name="=?ISO-8859-1?Q?d=E9lib=E9ration.tar.gz?="',
    "Content-Disposition: attachment; filename*=iso-8859-1''d%E9lib%E9ration%20n%B012.tar.gz",
    'Content-Transfer-Encoding: base64',
    '',
    ...(archive.toString('base64').match(/.{1,76}/g) ?? []),
    '--frontiere--',
    '',
  ].join('\r\n'), 'latin1');

  it('yields the mails oldest first with their attachments byte for byte, then moves them out of the inbox for good', async () => {
    const archive1 = gzipSync(randomBytes(20_000));
    const xml1 = Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><actes:ARActe xmlns:actes="http://www.interieur.gouv.fr/ACTES#v1.1-20040216"/>', 'latin1');
    const xml2 = Buffer.from('<?xml version="1.0" encoding="UTF-8"?><actes:AnomalieActe/>');
    const archive3 = gzipSync(randomBytes(5_000));
    const inbox = mailbox('flow');
    await inbox.append(await reply(1, [{ name: '034-213400011-20261102-D12-DE-1-1_0.tar.gz', content: archive1 }, { name: 'ARActe.xml', content: xml1, contentType: 'text/xml' }]));
    await inbox.append(await reply(2, [{ name: 'anomalie-réponse.xml', content: xml2, contentType: 'application/xml' }]));
    await inbox.append(latin1Mail(archive3));

    const mails = await all(inbox.pending());

    expect(mails.map((mail) => mail.messageId)).toEqual(['<reply-1@pref.gouv.fr>', '<reply-2@pref.gouv.fr>', '<reply-3@pref.gouv.fr>']);
    expect(mails.map((mail) => mail.uid)).toEqual([...mails.map((mail) => mail.uid)].sort((a, b) => a - b));
    expect(mails.every((mail) => mail.problem === undefined)).toBe(true);
    const [first, second, third] = mails as [InboundMail, InboundMail, InboundMail];
    expect(first).toMatchObject({ subject: 'Accusé de réception n°1', from: 'actes@haute-garonne.gouv.fr' });
    expect(first.attachments.map((a) => [a.name, a.contentType])).toEqual([['034-213400011-20261102-D12-DE-1-1_0.tar.gz', 'application/x-gzip'], ['ARActe.xml', 'text/xml']]);
    expect(first.attachments[0]!.content.equals(archive1)).toBe(true);
    expect(first.attachments[1]!.content.equals(xml1)).toBe(true);
    expect(second.attachments.map((a) => a.name)).toEqual(['anomalie-réponse.xml']);
    expect(second.attachments[0]!.content.equals(xml2)).toBe(true);
    expect(third).toMatchObject({ subject: 'Délibération transmise', from: 'actes@haute-garonne.gouv.fr', date: new Date('2026-11-02T09:00:00Z') });
    expect(third.attachments.map((a) => a.name)).toEqual(['délibération n°12.tar.gz']);
    expect(third.attachments[0]!.content.equals(archive3)).toBe(true);

    await expect(inbox.markProcessed(first.uid, first.uidValidity + 1)).rejects.toMatchObject({ code: CHANNEL_ERRORS.IMAP_UIDVALIDITY_CHANGED });
    expect(await inbox.markProcessed(first.uid, first.uidValidity)).toBe(true);
    expect(await inbox.markProcessed(first.uid)).toBe(false);
    expect(await inbox.setAside(second.uid, 'INBOUND.NO_MATCHING_TRANSMISSION', second.uidValidity)).toBe(true);
    await inbox.close();

    // A new session: the inbox holds only the third mail; the others are where they were moved.
    expect((await all(inbox.pending())).map((mail) => mail.messageId)).toEqual(['<reply-3@pref.gouv.fr>']);
    const processed = await all(mailbox('flow', { inbox: 'Traites' }).pending());
    expect(processed.map((mail) => mail.messageId)).toEqual(['<reply-1@pref.gouv.fr>']);
    expect(processed[0]!.attachments[0]!.content.equals(archive1)).toBe(true);
    expect((await all(mailbox('flow', { inbox: 'A-verifier' }).pending())).map((mail) => mail.messageId)).toEqual(['<reply-2@pref.gouv.fr>']);
    expect(await flagsIn('A-verifier')).toEqual([expect.arrayContaining(['Relais-INBOUND.NO_MATCHING_TRANSMISSION'])]);
  });

  /** The flags of each message in `folder` of the `flow` account, read with a bare imapflow client. */
  const flagsIn = async (folder: string): Promise<string[][]> => {
    const client = new ImapFlow({ host: server.host, port: server.port, secure: true, auth: { user: 'flow', pass: passwordOf('flow') }, logger: false, tls: { ca: readFileSync(pki.caCert) } });
    await client.connect();
    try {
      await client.mailboxOpen(folder);
      return (await client.fetchAll('1:*', { flags: true })).map((message) => [...(message.flags ?? [])]);
    } finally {
      await client.logout();
    }
  };

  it('yields what it cannot use with the problem, for the caller to set aside, and appends to a folder it creates', async () => {
    const inbox = mailbox('problems', { maxMessageBytes: 50_000 });
    await inbox.append(await reply(10, []));
    await inbox.append(Buffer.from('\x01\x02 ceci n\'est pas un courriel\r\n\r\n=?=?\r\n', 'latin1'));
    await inbox.append(await reply(12, [{ name: 'enorme.tar.gz', content: randomBytes(80_000) }]));
    const elsewhere = await inbox.append(await reply(13, [{ name: 'a.xml', content: Buffer.from('<a/>') }]), 'Archives');
    expect(elsewhere.folder).toBe('Archives');

    const mails = await all(inbox.pending());

    expect(mails.map((mail) => [mail.messageId, mail.attachments.length, mail.problem])).toEqual([
      ['<reply-10@pref.gouv.fr>', 0, 'no attachment'],
      [undefined, 0, 'no sender address (From); no attachment'],
      ['<reply-12@pref.gouv.fr>', 0, expect.stringMatching(/^the message has \d+ bytes, over the 50000 read from the mailbox$/)],
    ]);
    for (const mail of mails) expect(await inbox.setAside(mail.uid, 'INBOUND.UNREADABLE')).toBe(true);
    expect(await all(inbox.pending())).toEqual([]);
    expect((await all(mailbox('problems', { inbox: 'Archives' }).pending())).map((mail) => mail.messageId)).toEqual(['<reply-13@pref.gouv.fr>']);
  });

  it('refuses a wrong password with IMAP_AUTH_FAILED', async () => {
    await expect(all(mailbox('refused', { password: 'not-the-password' }).pending())).rejects.toMatchObject({ code: CHANNEL_ERRORS.IMAP_AUTH_FAILED });
  });

  it('refuses a server that is not the pinned one before logging in, and one whose chain it cannot verify', async () => {
    const otherPin = new X509Certificate(readFileSync(pki.otherServerCert)).fingerprint256;
    await expect(all(mailbox('pinned', { pinnedSha256: otherPin }).pending())).rejects.toMatchObject({ code: CHANNEL_ERRORS.SERVER_PIN_MISMATCH });
    await expect(all(mailbox('pinned', { ca: undefined }).pending())).rejects.toMatchObject({ code: CHANNEL_ERRORS.SERVER_CERT_UNTRUSTED });
    expect(await server.log()).not.toContain('user=<pinned>');
  });

  it('keeps its session from round to round, and still sees the mails that arrived in between', async () => {
    const inbox = mailbox('kept');
    const sender = mailbox('kept');
    await sender.append(await reply(30, [{ name: 'a.xml', content: Buffer.from('<a/>') }]));
    expect((await all(inbox.pending())).map((mail) => mail.messageId)).toEqual(['<reply-30@pref.gouv.fr>']);
    const logins = (await server.log()).split('\n').filter((line) => line.includes('Login: user=<kept>')).length;
    expect(logins).toBe(2); // the two mailboxes' sessions
    await sender.append(await reply(31, [{ name: 'b.xml', content: Buffer.from('<b/>') }]));
    // Another round on the same session: the new mail is there, and no new login was made for it.
    expect((await all(inbox.pending())).map((mail) => mail.messageId)).toEqual(['<reply-30@pref.gouv.fr>', '<reply-31@pref.gouv.fr>']);
    expect((await server.log()).split('\n').filter((line) => line.includes('Login: user=<kept>')).length).toBe(logins);
  });

  it('reads on after a server restart between two rounds, nothing lost or listed twice', async () => {
    const inbox = mailbox('restart');
    await inbox.append(await reply(20, [{ name: 'a.xml', content: Buffer.from('<a/>') }]));
    await inbox.append(await reply(21, [{ name: 'b.xml', content: Buffer.from('<b/>') }]));
    const [first] = await all(inbox.pending(1));
    expect(first?.messageId).toBe('<reply-20@pref.gouv.fr>');
    expect(await inbox.markProcessed(first!.uid, first!.uidValidity)).toBe(true);

    await server.restart();

    const next = await all(inbox.pending());
    expect(next.map((mail) => mail.messageId)).toEqual(['<reply-21@pref.gouv.fr>']);
    expect(await inbox.markProcessed(next[0]!.uid, next[0]!.uidValidity)).toBe(true);
    expect(await all(inbox.pending())).toEqual([]);
    expect((await all(mailbox('restart', { inbox: 'Traites' }).pending())).map((mail) => mail.messageId)).toEqual(['<reply-20@pref.gouv.fr>', '<reply-21@pref.gouv.fr>']);
  });

  it('fails the round with IMAP_CONNECTION_LOST when the server stops during it, and leaves the rest in the inbox', async () => {
    const inbox = mailbox('crash');
    for (const n of [30, 31, 32]) await inbox.append(await reply(n, [{ name: `${n}.xml`, content: Buffer.from(`<r n="${n}"/>`) }]));
    const round = inbox.pending();
    const first = (await round.next()).value as InboundMail;
    expect(await inbox.markProcessed(first.uid, first.uidValidity)).toBe(true);
    const second = (await round.next()).value as InboundMail;

    await server.stop();

    await expect(inbox.markProcessed(second.uid, second.uidValidity)).rejects.toMatchObject({ code: CHANNEL_ERRORS.IMAP_CONNECTION_LOST });
    await expect(round.next()).rejects.toMatchObject({ code: CHANNEL_ERRORS.IMAP_CONNECTION_LOST });
    await expect(all(inbox.pending())).rejects.toMatchObject({ code: CHANNEL_ERRORS.IMAP_UNAVAILABLE });

    await server.restart();

    expect((await all(inbox.pending())).map((mail) => mail.messageId)).toEqual(['<reply-31@pref.gouv.fr>', '<reply-32@pref.gouv.fr>']);
  });

  it('gives up on a server that stops answering: CONNECT_TIMEOUT to connect, TIMEOUT for a command', async () => {
    const inbox = mailbox('timeout', { connectTimeoutMs: 500, commandTimeoutMs: 500 });
    await inbox.append(await reply(40, [{ name: 'a.xml', content: Buffer.from('<a/>') }]));
    await inbox.append(await reply(41, [{ name: 'b.xml', content: Buffer.from('<b/>') }]));
    const round = inbox.pending();
    const first = (await round.next()).value as InboundMail;

    server.pause();

    await expect(inbox.markProcessed(first.uid, first.uidValidity)).rejects.toMatchObject({ code: CHANNEL_ERRORS.TIMEOUT });
    await expect(round.next()).rejects.toMatchObject({ code: CHANNEL_ERRORS.TIMEOUT });
    await expect(all(inbox.pending())).rejects.toMatchObject({ code: CHANNEL_ERRORS.CONNECT_TIMEOUT });

    server.resume();

    expect((await all(inbox.pending())).map((mail) => mail.messageId)).toEqual(['<reply-40@pref.gouv.fr>', '<reply-41@pref.gouv.fr>']);
  });
});
