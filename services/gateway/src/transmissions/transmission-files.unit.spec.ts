import { describe, expect, it } from '@jest/globals';
import { acte, eventsOf, letterDocument, pes, replyDocument } from '@relais/domain/testing';
import { attachmentDisposition, filesOfHistory, servedMediaType } from './transmission-files.js';

describe('serving stored files', () => {
  it('keeps the media types of actes and PES files, and serves anything else as bytes', () => {
    expect(servedMediaType('application/pdf')).toBe('application/pdf');
    expect(servedMediaType('Application/XML; charset=ISO-8859-1')).toBe('application/xml');
    expect(servedMediaType('text/html')).toBe('application/octet-stream');
    expect(servedMediaType('')).toBe('application/octet-stream');
  });

  it('downloads under the file’s name, quoted safely', () => {
    expect(attachmentDisposition('délibération "1".pdf')).toBe(
      `attachment; filename="d_lib_ration _1_.pdf"; filename*=UTF-8''d%C3%A9lib%C3%A9ration%20%221%22.pdf`,
    );
  });
});

describe('filesOfHistory', () => {
  const e = eventsOf('tr-1');

  it('holds the submitted files, then the préfecture’s letters’ documents and the collectivité’s answers’', () => {
    const history = [e.received(), e.validated(), e.routed(), e.sent(), e.acknowledged(), e.letterReceived('3-1'), e.replyRequested('3-2'), e.replyRequested('3-4')];
    expect(filesOfHistory(history)).toEqual([acte.document, letterDocument, replyDocument]);
  });

  it('holds a PES file', () => {
    expect(filesOfHistory([e.received(pes)])).toEqual([pes.file]);
  });
});
