/*
 * The OpenAPI path items of a collectivité's classification (7-1 → 7-2 / 7-3), spread into
 * `openApiDocument.paths` (src/openapi/openapi.document.ts); the same shapes as that document's helpers.
 */
const errors = (description: string): object => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Errors' } } } });
const json = (description: string, schema: object): object => ({ description, content: { 'application/json': { schema } } });
const common = {
  '401': errors('No token, or an unknown, revoked or expired one (AUTH.MISSING_TOKEN, AUTH.INVALID_TOKEN)'),
  '403': errors('The role may not make this call (AUTH.FORBIDDEN)'),
  '429': errors('Past 20 requests per second with bursts of 100 for this token (AUTH.RATE_LIMITED); see Retry-After'),
};
const date = { type: 'string', format: 'date' };
const instant = { type: 'string', format: 'date-time' };
const pieceTypes = { type: 'array', items: { type: 'string', examples: ['99_DE'] } };
const requestStatus = { enum: ['requested', 'sent', 'answered'] };

const classification = {
  type: 'object',
  required: ['siren', 'source', 'dateClassification', 'codes', 'requests'],
  properties: {
    siren: { type: 'string' },
    source: { enum: ['default', 'prefecture'], description: 'default: the platform’s, until the préfecture’s first 7-2' },
    dateClassification: { ...date, description: 'The 7-2’s DateClassification (the default’s own while it applies)' },
    receivedAt: { ...instant, description: 'When the 7-2 in force arrived' },
    confirmedAt: { ...instant, description: 'When the préfecture last answered that the classification held is current (7-3)' },
    codes: { type: 'array', items: { type: 'string' }, description: 'Every matière code at every level: 7, 7.1, 7.1.2…', examples: [['7', '7.1']] },
    natures: {
      type: 'object',
      description: 'The piece types (CodeTypePJ) each nature allows; absent when the 7-2 lists none',
      properties: { DE: pieceTypes, AR: pieceTypes, AI: pieceTypes, CC: pieceTypes, BF: pieceTypes, AU: pieceTypes },
    },
    requests: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'requestedAt', 'requestedBy'],
        properties: {
          id: { type: 'string' },
          requestedAt: instant,
          requestedBy: { type: 'string' },
          sentAt: { ...instant, description: 'When the préfecture’s server took the 7-1' },
          answer: {
            type: 'object',
            required: ['code', 'at', 'dateClassification'],
            properties: { code: { enum: ['7-2', '7-3'] }, at: instant, dateClassification: date },
          },
        },
      },
    },
  },
};

/** `GET /api/v1/classification` and `POST /api/v1/classification/requests`. */
export const classificationOpenApiPaths = {
  '/api/v1/classification': {
    get: {
      summary:
        'A collectivité’s classification in force, against which its actes are checked (matières and piece types per nature): the platform’s default until its préfecture sends a 7-2; and its 7-1 requests',
      'x-roles': ['collectivite', 'admin', 'supervisor', 'auditor'],
      parameters: [
        {
          name: 'siren',
          in: 'query',
          required: false,
          schema: { type: 'string', pattern: '^[0-9]{9}$' },
          description: 'Required for admin, supervisor and auditor; a collectivité reads its own',
        },
      ],
      responses: {
        '200': json('The classification', classification),
        '400': errors('REQUEST.INVALID_QUERY: siren missing (admin, supervisor, auditor) or not 9 digits'),
        '404': errors('COLLECTIVITE.NOT_FOUND: no such collectivité registered (for a collectivité, any other than itself)'),
        ...common,
      },
    },
  },
  '/api/v1/classification/requests': {
    post: {
      summary:
        'Ask the préfecture for the classification (a 7-1 DemandeClassification; it answers with a 7-2, a new classification, or a 7-3, unchanged). While a request is open, asking again records nothing and answers with the open request',
      'x-roles': ['collectivite', 'admin'],
      parameters: [
        {
          name: 'Idempotency-Key',
          in: 'header',
          required: false,
          schema: { type: 'string', maxLength: 255 },
          description: 'The request id is derived from it: a retry names the same request and records nothing new',
        },
      ],
      requestBody: {
        required: false,
        content: {
          'application/json': {
            schema: {
              type: 'object',
              additionalProperties: false,
              properties: { siren: { type: 'string', pattern: '^[0-9]{9}$', description: 'Required for admin; a collectivité asks for itself' } },
            },
          },
        },
      },
      responses: {
        '202': json('The request recorded, or the one already open', {
          type: 'object',
          required: ['id', 'status'],
          properties: { id: { type: 'string' }, status: requestStatus },
        }),
        '400': errors('REQUEST.INVALID_BODY: siren missing (admin) or not 9 digits, or an unknown property; REQUEST.INVALID_JSON; REQUEST.INVALID_IDEMPOTENCY_KEY'),
        '404': errors('COLLECTIVITE.NOT_FOUND: no such collectivité registered (for a collectivité, any other than itself)'),
        ...common,
      },
    },
  },
} as const;
