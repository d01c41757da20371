/*
 * The OpenAPI path items of the documents' calls, to be spread into `openApiDocument.paths`
 * (src/openapi/openapi.document.ts, owned elsewhere) together with the two operations in
 * openapi.int.spec.ts's list. Self-contained: the same shapes as that document's helpers.
 */
const errors = (description: string): object => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Errors' } } } });
const pdf = (description: string): object => ({ description, content: { 'application/pdf': { schema: { type: 'string', contentMediaType: 'application/pdf' } } } });
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };
const common = {
  '401': errors('No token, or an unknown, revoked or expired one (AUTH.MISSING_TOKEN, AUTH.INVALID_TOKEN)'),
  '403': errors('The role may not make this call (AUTH.FORBIDDEN)'),
  '429': errors('Past 20 requests per second with bursts of 100 for this token (AUTH.RATE_LIMITED); see Retry-After'),
};
const notFound = errors('TRANSMISSION.NOT_FOUND (unknown, or another collectivité’s), DOCUMENT.NOT_AN_ACTE (a PES file)');

/** `GET /api/v1/transmissions/{id}/stamped` and `…/receipt`. */
export const documentsOpenApiPaths = {
  '/api/v1/transmissions/{id}/stamped': {
    get: {
      summary:
        'The acte stamped on its first page once the préfecture acknowledged it ("Envoyé en préfecture le", the first delivery; "Reçu en préfecture le", the AR\'s DateReception; "ID : <IDActe>"), as an attachment <IDActe>-tampon.pdf',
      'x-roles': ['collectivite', 'supervisor', 'auditor'],
      parameters: [idParam],
      responses: {
        '200': pdf('The stamped acte, every page kept'),
        '404': notFound,
        '409': errors('DOCUMENT.NOT_ACKNOWLEDGED: no AR yet; STAMP.PDF_ENCRYPTED, STAMP.PDF_UNREADABLE: the acte is not a PDF that can be stamped'),
        ...common,
      },
    },
  },
  '/api/v1/transmissions/{id}/receipt': {
    get: {
      summary:
        "The bordereau d'acquittement (one A4 page: collectivité, IDActe, numéro interne, nature, classification, objet, sending and AR dates, archive name, SHA-256 of the acte and its annexes), as an attachment <IDActe>-accuse-reception.pdf",
      'x-roles': ['collectivite', 'supervisor', 'auditor'],
      parameters: [idParam],
      responses: {
        '200': pdf('The bordereau'),
        '404': notFound,
        '409': errors('DOCUMENT.NOT_ACKNOWLEDGED: no AR yet'),
        ...common,
      },
    },
  },
} as const;
