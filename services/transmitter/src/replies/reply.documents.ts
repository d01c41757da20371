import { PDF_MARKER_WINDOW, sniffFormat, type FileFormat } from '@relais/actes';

const MEDIA_TYPES: Readonly<Record<FileFormat, string>> = {
  pdf: 'application/pdf',
  xml: 'application/xml',
  png: 'image/png',
  jpeg: 'image/jpeg',
};

/**
 * The media type of a document the préfecture sent, from its bytes (whatever its name says), as the
 * acte rules recognise the formats @ctes carries; `application/octet-stream` for anything else.
 */
export function mediaTypeOf(content: Uint8Array): string {
  const format = sniffFormat(content.subarray(0, PDF_MARKER_WINDOW));
  return format === undefined ? 'application/octet-stream' : MEDIA_TYPES[format];
}
