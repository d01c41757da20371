import { describe, expect, it } from '@jest/globals';
import { packArchive } from '@relais/actes';
import type { InboundMail } from '@relais/state-channels';
import { certificateWarning } from '../health/health.service.js';
import { itemOfMail } from './imap.source.js';
import { returnKindOf } from './sftp.channel.js';

const mail = (attachments: InboundMail['attachments'], problem?: string): InboundMail => ({
  uid: 7,
  uidValidity: 1,
  size: 1000,
  messageId: '<m@pref>',
  subject: '[@ctes] ARActe 021-…',
  from: 'actes@pref',
  date: undefined,
  attachments,
  ...(problem === undefined ? {} : { problem }),
});

describe('itemOfMail', () => {
  it("unpacks the mail's one .tar.gz archive; its name is the message's id", async () => {
    const archive = await packArchive([{ name: 'EACT.xml', content: Buffer.from('<e/>') }, { name: 'AR.xml', content: Buffer.from('<a/>') }], '2026-11-28');
    const item = await itemOfMail(mail([{ name: '021-ARActe.tar.gz', contentType: 'application/x-gzip', content: archive.bytes }]));
    expect(item).toEqual({
      id: 7,
      kind: '[@ctes] ARActe 021-…',
      archiveName: '021-ARActe.tar.gz',
      files: [{ name: 'EACT.xml', content: Buffer.from('<e/>') }, { name: 'AR.xml', content: Buffer.from('<a/>') }],
    });
  });

  it('gives a problem, never an exception, for a mail without exactly one archive, or whose archive does not unpack, or that did not parse', async () => {
    expect((await itemOfMail(mail([]))).problem).toMatch(/one \.tar\.gz archive; this one has 0 \(attachments: none\)/);
    const xml = { name: 'x.xml', contentType: 'application/xml', content: Buffer.from('<x/>') };
    const two = { name: 'a.tar.gz', contentType: 'application/x-gzip', content: Buffer.from('x') };
    expect((await itemOfMail(mail([two, { ...two, name: 'b.tar.gz' }, xml]))).problem).toMatch(/has 2 \(attachments: a\.tar\.gz, b\.tar\.gz, x\.xml\)/);
    const broken = await itemOfMail(mail([two]));
    expect(broken).toMatchObject({ archiveName: 'a.tar.gz', files: [] });
    expect(broken.problem).toMatch(/its archive a\.tar\.gz does not unpack/);
    expect((await itemOfMail(mail([xml], 'the message does not parse'))).problem).toBe('the message does not parse');
  });
});

describe('returnKindOf', () => {
  it('tells a return by its root element in any case, past the prolog', () => {
    const declared = (root: string): Buffer => Buffer.from(`<?xml version="1.0" encoding="ISO-8859-1"?>\n<!-- DGFiP -->\n<${root} xmlns="x"><Enveloppe/></${root}>`, 'latin1');
    expect(returnKindOf(declared('PES_ACQUIT'))).toBe('PES_Acquit');
    expect(returnKindOf(declared('PES_NonAcquit'))).toBe('PES_NonAcquit');
    expect(returnKindOf(declared('n:PES_Retour'))).toBe('PES_Retour');
    expect(returnKindOf(declared('Ocre'))).toBe('Ocre');
    expect(returnKindOf(Buffer.from('not xml'))).toBe('');
  });
});

describe('certificateWarning', () => {
  it('says nothing of a valid certificate, warns days ahead, and reports an expired or unusable one as an error', () => {
    expect(certificateWarning({ endpointId: 'p', status: 'valid', notAfter: '2027-06-01T00:00:00.000Z', daysLeft: 185 })).toEqual([]);
    expect(certificateWarning({ endpointId: 'p', subject: 'CN=op', status: 'expiring', notAfter: '2026-12-10T00:00:00.000Z', daysLeft: 11 })).toEqual([
      {
        code: 'CHANNEL.CLIENT_CERT_EXPIRING',
        severity: 'warning',
        message: 'the client certificate of p expires on 2026-12-10T00:00:00.000Z (11 days left): renew it',
        data: { endpointId: 'p', subject: 'CN=op', notAfter: '2026-12-10T00:00:00.000Z', daysLeft: 11 },
      },
    ]);
    expect(certificateWarning({ endpointId: 'p', status: 'expired', notAfter: '2020-02-01T00:00:00.000Z', daysLeft: -2493 })[0]).toMatchObject({ code: 'CHANNEL.CLIENT_CERT_EXPIRED', severity: 'error' });
    expect(certificateWarning({ endpointId: 'p', status: 'unusable', problem: 'CHANNEL.CLIENT_CERT_UNREADABLE: gone' })[0]).toMatchObject({
      code: 'CHANNEL.CLIENT_CERT_UNUSABLE',
      severity: 'error',
      message: 'the client certificate of p cannot be used: CHANNEL.CLIENT_CERT_UNREADABLE: gone',
    });
  });
});
