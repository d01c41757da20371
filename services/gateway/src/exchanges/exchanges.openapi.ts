/*
 * The OpenAPI path item of a collectivité's answer to a préfecture letter and the schemas of the
 * exchanges a transmission shows, spread into `openApiDocument` (src/openapi/openapi.document.ts); the
 * same shapes as that document's helpers.
 */
const errors = (description: string): object => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Errors' } } } });
const common = {
  '401': errors('No token, or an unknown, revoked or expired one (AUTH.MISSING_TOKEN, AUTH.INVALID_TOKEN)'),
  '403': errors('The role may not make this call (AUTH.FORBIDDEN)'),
  '429': errors('Past 20 requests per second with bursts of 100 for this token (AUTH.RATE_LIMITED); see Retry-After'),
};

const fileRef = { $ref: '#/components/schemas/File' };

/** The schemas of a transmission's files and of its exchanges (`acte.exchanges` of a Transmission). */
export const exchangeSchemas = {
  File: {
    type: 'object',
    required: ['sha256', 'size', 'name', 'mediaType'],
    properties: {
      sha256: { type: 'string', pattern: '^[0-9a-f]{64}$', description: 'Download at GET /api/v1/transmissions/{id}/files/{sha256}' },
      size: { type: 'integer' },
      name: { type: 'string' },
      mediaType: { type: 'string' },
    },
  },
  Exchange: {
    type: 'object',
    required: ['number', 'code', 'receivedAt', 'dateCourrierPref', 'text', 'documents', 'replies'],
    properties: {
      number: { type: 'integer', minimum: 1, description: 'Answer at POST /api/v1/actes/{id}/exchanges/{number}/replies' },
      code: { enum: ['2-1', '3-1', '4-1', '5-1'], description: 'Courrier simple, demande de pièces complémentaires, lettre d’observations, déféré' },
      receivedAt: { type: 'string', format: 'date-time' },
      dateCourrierPref: { type: 'string', format: 'date' },
      text: {
        type: ['string', 'null'],
        description: 'DescriptionPieces (3-1), Motif (4-1), NatureIllegalite (5-1); personal data: null once the transmission’s personal data were shredded',
      },
      documents: { type: 'array', items: fileRef },
      replies: {
        type: 'array',
        description: 'The platform’s automatic receipt (3-2, 4-2), then the collectivité’s answer',
        items: {
          type: 'object',
          required: ['code', 'requestedAt', 'documents'],
          properties: {
            code: { enum: ['2-2', '3-2', '3-3', '3-4', '4-2', '4-3', '4-4'] },
            requestedAt: { type: 'string', format: 'date-time' },
            sentAt: { type: 'string', format: 'date-time' },
            documents: { type: 'array', items: fileRef },
          },
        },
      },
      replyReceipt: {
        type: 'object',
        description: 'The préfecture’s receipt of the answer (3-5, 4-5)',
        properties: { code: { enum: ['3-5', '4-5'] }, at: { type: 'string', format: 'date-time' }, dateReception: { type: 'string', format: 'date' } },
      },
    },
  },
};

/** `POST /api/v1/actes/{id}/exchanges/{number}/replies`. */
export const exchangesOpenApiPaths = {
  '/api/v1/actes/{id}/exchanges/{number}/replies': {
    post: {
      summary:
        'Answer a letter of the préfecture about an acknowledged acte (collectivite, own actes): 2-2 to a courrier simple (2-1); 3-3 (refusal) or 3-4 (the pièces complémentaires) to a 3-1; 4-3 (rejection) or 4-4 (reply) to a lettre d’observations (4-1). A 5-1 déféré takes no answer, and a letter takes one answer. The exchange number is that of `acte.exchanges[].number` in GET /api/v1/transmissions/{id}; the answer is sent to the préfecture and shows in the exchange’s replies, its documents at GET /api/v1/transmissions/{id}/files/{sha256}',
      'x-roles': ['collectivite'],
      parameters: [
        { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
        { name: 'number', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } },
        {
          name: 'Idempotency-Key',
          in: 'header',
          required: false,
          schema: { type: 'string', maxLength: 255 },
          description: 'A retry with the same key (for the same exchange) returns the first answer and records nothing new',
        },
      ],
      requestBody: {
        required: true,
        content: {
          'multipart/form-data': {
            schema: {
              type: 'object',
              required: ['metadata', 'documents'],
              properties: {
                metadata: { type: 'object', required: ['code'], properties: { code: { enum: ['2-2', '3-3', '3-4', '4-3', '4-4'] } } },
                documents: {
                  type: 'array',
                  minItems: 1,
                  items: { type: 'string', contentMediaType: 'application/octet-stream' },
                  description:
                    'PDF, XML, PNG or JPEG, recognised by their bytes (recorded under the media type they show): one for 2-2, 3-3, 4-3 and 4-4, one or more for 3-4',
                },
              },
            },
            encoding: { metadata: { contentType: 'application/json' } },
          },
        },
      },
      responses: {
        '202': {
          description: 'The answer is recorded, to be sent',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['id', 'exchange', 'code', 'status'],
                properties: {
                  id: { type: 'string' },
                  exchange: { type: 'integer' },
                  code: { enum: ['2-2', '3-3', '3-4', '4-3', '4-4'] },
                  status: { const: 'requested' },
                },
              },
            },
          },
        },
        '400': errors(
          'Unreadable: REQUEST.NOT_MULTIPART, REQUEST.MALFORMED_MULTIPART, REQUEST.MISSING_METADATA, REQUEST.METADATA_NOT_JSON, REQUEST.METADATA_TOO_LARGE, REQUEST.DUPLICATE_PART, REQUEST.PART_NOT_A_FILE, REQUEST.TOO_MANY_PARTS, REQUEST.ABORTED, REQUEST.INVALID_IDEMPOTENCY_KEY',
        ),
        '404': errors('TRANSMISSION.NOT_FOUND (unknown, or another collectivité’s), TRANSMISSION.EXCHANGE_NOT_FOUND (no letter of that number)'),
        '409': errors(
          'TRANSMISSION.REPLY_NOT_ALLOWED: the code does not answer that letter, the letter was answered already, or the acte was cancelled; TRANSMISSION.INVALID_TRANSITION: the préfecture has not acknowledged the acte; TRANSMISSION.KIND_MISMATCH: a PES file; IDEMPOTENCY.IN_PROGRESS',
        ),
        '413': errors('REQUEST.UPLOAD_TOO_LARGE: the documents together exceed the limit (150 MiB by default)'),
        '422': errors(
          'Nothing recorded, `field` naming the part at fault: METADATA.INVALID, METADATA.MISSING_FIELD (code), REPLY.INVALID_CODE, REPLY.DOCUMENT_COUNT (documents), and for documents[i]: REPLY.DOCUMENT_EMPTY, REPLY.DOCUMENT_FORMAT_INVALID (not PDF, XML, PNG or JPEG), REPLY.DOCUMENT_NOT_PDF (named or sent as a PDF, it is not one), REPLY.DOCUMENT_TRUNCATED (a PDF without its %%EOF), REPLY.DOCUMENT_ENCRYPTED',
        ),
        ...common,
      },
    },
  },
} as const;
