/*
 * The OpenAPI path item of the administrators' shredding of a transmission's personal data, spread
 * into `openApiDocument.paths` (src/openapi/openapi.document.ts). Self-contained.
 */
const errors = (description: string): object => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Errors' } } } });

/** `POST /api/v1/admin/transmissions/{id}/shred-personal-data`. */
export const personalDataOpenApiPaths = {
  '/api/v1/admin/transmissions/{id}/shred-personal-data': {
    post: {
      summary:
        'Shred a transmission’s personal data (admin): the key that sealed its objet and its letters’ text is destroyed and PersonalDataShredded recorded; ' +
        'from then on the API shows them as null, with personalDataShredded: true. Its history, status and hashes stay. Idempotent: asking again changes nothing and answers the same.',
      'x-roles': ['admin'],
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: {
              type: 'object',
              required: ['reason'],
              additionalProperties: false,
              properties: {
                reason: {
                  type: 'string',
                  minLength: 1,
                  maxLength: 500,
                  description: 'One line, kept in clear in the log for ever: a retention rule or a ticket number, never a person’s name',
                },
              },
            },
          },
        },
      },
      responses: {
        '200': {
          description: 'Shredded (now, or by an earlier request: alreadyShredded)',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['id', 'personalDataShredded', 'shreddedAt', 'fields', 'reason', 'requestedBy', 'alreadyShredded', 'erasedFromLog'],
                properties: {
                  id: { type: 'string' },
                  personalDataShredded: { const: true },
                  shreddedAt: { type: 'string', format: 'date-time', description: 'When the shredding was first asked' },
                  fields: { type: 'array', items: { enum: ['submission.objet', 'letters.text'] }, description: 'The personal fields the history held' },
                  reason: { type: 'string' },
                  requestedBy: { type: 'string', description: 'The token id of the administrator who first asked, or relais for the retention schedule' },
                  alreadyShredded: { type: 'boolean' },
                  erasedFromLog: {
                    type: 'boolean',
                    description: 'False for a transmission recorded before sealing began: its events keep these fields in clear; only the API and the read models forget them',
                  },
                },
              },
            },
          },
        },
        '400': errors('REQUEST.INVALID_BODY (reason missing, blank, on several lines or too long), REQUEST.INVALID_JSON'),
        '401': errors('No token, or an unknown, revoked or expired one (AUTH.MISSING_TOKEN, AUTH.INVALID_TOKEN)'),
        '403': errors('Only administrators (AUTH.FORBIDDEN)'),
        '404': errors('TRANSMISSION.NOT_FOUND'),
        '429': errors('Past 20 requests per second with bursts of 100 for this token (AUTH.RATE_LIMITED); see Retry-After'),
      },
    },
  },
};
