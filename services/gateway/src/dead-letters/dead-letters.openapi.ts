/*
 * The OpenAPI path items of the dead-letter calls, spread into `openApiDocument`
 * (src/openapi/openapi.document.ts). Self-contained: the same shapes as that document's helpers.
 */
import { MAX_DEAD_LETTER_LIMIT, DEFAULT_DEAD_LETTER_LIMIT } from './dead-letter-query.js';

const errors = (description: string): object => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Errors' } } } });
const json = (description: string, schema: object): object => ({ description, content: { 'application/json': { schema } } });
const common = {
  '401': errors('No token, or an unknown, revoked or expired one (AUTH.MISSING_TOKEN, AUTH.INVALID_TOKEN)'),
  '403': errors('The role may not make this call (AUTH.FORBIDDEN)'),
  '429': errors('Past 20 requests per second with bursts of 100 for this token (AUTH.RATE_LIMITED); see Retry-After'),
  '503': errors('SERVICE.UNAVAILABLE: the message broker or the database cannot be reached now; see Retry-After'),
};

const deadLetter = {
  type: 'object',
  required: ['seq', 'consumer', 'reason', 'error', 'originalSubject', 'failedAt', 'deliveryCount'],
  properties: {
    seq: { type: 'integer', description: 'Its sequence in the DLQ stream: what …/{seq}/retry takes' },
    consumer: { type: 'string', description: 'The consumer that gave up on it' },
    reason: { enum: ['HANDLER_FAILED', 'PERMANENT_ERROR', 'DECODE_FAILED', 'DELIVERY_TIMEOUT'] },
    error: { type: 'string', description: 'The last error, one line' },
    errorCode: { type: 'string', description: 'Its stable code, when it had one' },
    originalSubject: { type: 'string' },
    failedAt: { type: 'string', format: 'date-time' },
    deliveryCount: { type: 'integer' },
    eventId: { type: 'string', description: 'For a relayed event: its id in the log' },
    eventType: { type: 'string' },
    streamId: { type: 'string' },
    transmissionId: { type: 'string', description: 'For an event of a transmission' },
  },
};

/** `GET /api/v1/admin/dead-letters`, `POST /api/v1/admin/dead-letters/{seq}/retry`. */
export const deadLettersOpenApiPaths = {
  '/api/v1/admin/dead-letters': {
    get: {
      summary:
        'The messages a consumer gave up on (after its bounded retries, or at once for a permanent error or an undecodable payload), oldest first (admin, supervisor). Failed deliveries to the State are listed by GET /api/v1/transmissions?status=failed.',
      'x-roles': ['admin', 'supervisor'],
      parameters: [
        { name: 'consumer', in: 'query', schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' }, description: 'Only this consumer’s' },
        { name: 'after', in: 'query', schema: { type: 'string' }, description: 'The next of the previous page' },
        { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: MAX_DEAD_LETTER_LIMIT, default: DEFAULT_DEAD_LETTER_LIMIT } },
      ],
      responses: {
        '200': json('A page; next when more may follow', {
          type: 'object',
          required: ['items'],
          properties: { items: { type: 'array', items: deadLetter }, next: { type: 'string' } },
        }),
        '400': errors('REQUEST.INVALID_QUERY, naming the parameter'),
        ...common,
      },
    },
  },
  '/api/v1/admin/dead-letters/{seq}/retry': {
    post: {
      summary:
        'Publish a dead letter again on its original subject, for its consumer only (after a fix), and remove it from the list (admin, supervisor). Recorded as an admin action (dead-letter.retry) with who asked. A second retry of the same sequence publishes nothing.',
      'x-roles': ['admin', 'supervisor'],
      parameters: [{ name: 'seq', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } }],
      responses: {
        '202': json('Published again', {
          type: 'object',
          required: ['seq', 'consumer', 'subject', 'status'],
          properties: { seq: { type: 'integer' }, consumer: { type: 'string' }, subject: { type: 'string' }, status: { const: 'replayed' } },
        }),
        '404': errors('DEAD_LETTER.NOT_FOUND: no dead letter at that sequence'),
        '409': errors('DEAD_LETTER.ALREADY_RETRIED: it was retried already (when and by whom in the message)'),
        ...common,
      },
    },
  },
};
