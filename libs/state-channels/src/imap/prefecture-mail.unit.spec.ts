import { describe, expect, it } from '@jest/globals';
import { composePrefectureMail } from './prefecture-mail.js';

const headers = [
  'From: actes@pref.gouv.fr',
  'To: relais@commune.fr',
  'Subject: =?UTF-8?Q?Accus=C3=A9_de_r=C3=A9ception?=',
  'Message-ID: <ar-1@pref.gouv.fr>',
  'Date: Mon, 02 Nov 2026 09:00:00 +0000',
  'MIME-Version: 1.0',
].join('\r\n');

describe('composePrefectureMail', () => {
  const archive = Buffer.from([0x1f, 0x8b, 0x00, 0xff]);
  const mail = {
    from: 'actes@pref.gouv.fr',
    to: 'relais@commune.fr',
    subject: 'Accusé de réception',
    messageId: '<ar-1@pref.gouv.fr>',
    date: new Date('2026-11-02T09:00:00Z'),
    attachments: [{ name: 'délibération.tar.gz', content: archive, contentType: 'application/gzip' }],
  };

  it('writes a multipart/mixed message, the attachment in base64 and its non-ASCII name in RFC 2231', async () => {
    const text = (await composePrefectureMail({ ...mail, text: 'Veuillez trouver ci-joint.' })).toString('latin1');

    expect(text.startsWith(`${headers}\r\nContent-Type: multipart/mixed;`)).toBe(true);
    expect(text).toContain(`Content-Transfer-Encoding: base64\r\nContent-Disposition: attachment;\r\n filename*0*=utf-8''d%C3%A9lib%C3%A9ration.tar.gz\r\n\r\n${archive.toString('base64')}\r\n`);
    expect(text).toContain('Veuillez trouver ci-joint.');
    expect(text.split('\r\n').every((line) => line.length <= 998)).toBe(true);
  });

  it('makes a lone attachment without text the whole message', async () => {
    const text = (await composePrefectureMail(mail)).toString('latin1');

    expect(text).toContain(`${headers}\r\nContent-Type: application/gzip;`);
    expect(text.endsWith(`\r\n\r\n${archive.toString('base64')}\r\n`)).toBe(true);
  });
});
