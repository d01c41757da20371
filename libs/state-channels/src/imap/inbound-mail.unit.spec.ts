import { describe, expect, it } from '@jest/globals';
import { readInboundMail, readOversizedMail, reasonKeyword } from './inbound-mail.js';
import { composePrefectureMail } from './prefecture-mail.js';

const place = { uid: 7, uidValidity: 1234, size: 100 };

const raw = (lines: string[]): Buffer => Buffer.from(lines.join('\r\n'), 'latin1');

describe('readInboundMail', () => {
  it('decodes the headers and the attachments of a préfecture reply', async () => {
    const archive = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0xff, 0x00, 0x0d, 0x0a]);
    const source = await composePrefectureMail({
      from: 'Préfecture <actes@pref.gouv.fr>',
      to: 'relais@commune.fr',
      subject: 'Accusé de réception',
      messageId: '<ar-1@pref.gouv.fr>',
      date: new Date('2026-11-02T09:00:00Z'),
      attachments: [{ name: 'délibération.tar.gz', content: archive }, { name: 'ARActe.xml', content: Buffer.from('<ar/>'), contentType: 'text/xml' }],
    });

    const mail = await readInboundMail(place, source);

    expect(mail).toEqual({
      ...place,
      messageId: '<ar-1@pref.gouv.fr>',
      subject: 'Accusé de réception',
      from: 'actes@pref.gouv.fr',
      date: new Date('2026-11-02T09:00:00Z'),
      attachments: [
        { name: 'délibération.tar.gz', contentType: 'application/x-gzip', content: archive },
        { name: 'ARActe.xml', contentType: 'text/xml', content: Buffer.from('<ar/>') },
      ],
    });
  });

  it('decodes file names in RFC 2231 and RFC 2047, ISO-8859-1 included', async () => {
    const mail = await readInboundMail(place, raw([
      'From: actes@pref.gouv.fr',
      'Content-Type: multipart/mixed; boundary="b"',
      '',
      '--b',
      "Content-Type: text/xml; name*=iso-8859-1''r%E9ponse.xml",
      "Content-Disposition: attachment; filename*0*=iso-8859-1''r%E9ponse; filename*1*=%20n%B01.xml",
      '',
      '<r/>',
      '--b',
      'Content-Type: application/gzip; name="=?ISO-8859-1?Q?d=E9lib=E9ration=2Etar=2Egz?="',
      'Content-Transfer-Encoding: base64',
      '',
      'H4sIAA==',
      '--b--',
      '',
    ]));

    expect(mail.attachments.map((a) => [a.name, a.contentType, a.content.toString('hex')])).toEqual([
      ['réponse n°1.xml', 'text/xml', Buffer.from('<r/>').toString('hex')],
      ['délibération.tar.gz', 'application/gzip', '1f8b0800'],
    ]);
    expect(mail.problem).toBeUndefined();
  });

  it('says what is wrong with a mail it cannot use, rather than dropping it', async () => {
    expect((await readInboundMail(place, raw(['From: actes@pref.gouv.fr', 'Subject: vide', '', 'Rien.']))).problem).toBe('no attachment');
    const garbled = await readInboundMail(place, raw(['\x01\x02 pas un courriel', '']));
    expect(garbled).toMatchObject({ ...place, messageId: undefined, subject: '', from: undefined, attachments: [], problem: 'no sender address (From); no attachment' });
    expect((await readInboundMail(place, Buffer.alloc(0))).problem).toBe('no sender address (From); no attachment');
  });
});

describe('readOversizedMail', () => {
  it('keeps the headers, no attachment, and says why', async () => {
    const mail = await readOversizedMail({ ...place, size: 90_000_000 }, raw(['From: actes@pref.gouv.fr', 'Subject: lourd', 'Message-ID: <big@pref.gouv.fr>', '']), 1_000_000);
    expect(mail).toEqual({ ...place, size: 90_000_000, messageId: '<big@pref.gouv.fr>', subject: 'lourd', from: 'actes@pref.gouv.fr', date: undefined, attachments: [], problem: 'the message has 90000000 bytes, over the 1000000 read from the mailbox' });
  });
});

describe('reasonKeyword', () => {
  it.each([
    ['INBOUND.NO_MATCH', 'Relais-INBOUND.NO_MATCH'],
    ['no transmission (n°12)', 'Relais-no_transmission_n_12_'],
    ['  ', 'Relais-set-aside'],
    ['x'.repeat(100), `Relais-${'x'.repeat(60)}`],
  ])('makes an IMAP keyword of %j', (reason, keyword) => {
    expect(reasonKeyword(reason)).toBe(keyword);
  });
});
