/*
 * The OpenAPI path items of the auditors' calls (API.md, "Auditing"), spread into
 * `openApiDocument.paths` (src/openapi/openapi.document.ts). Self-contained.
 */
const errors = (description: string): object => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Errors' } } } });
const json = (description: string, schema: object): object => ({ description, content: { 'application/json': { schema } } });
const common = {
  '400': errors('REQUEST.INVALID_QUERY (the parameter in `field`)'),
  '401': errors('No token, or an unknown, revoked or expired one (AUTH.MISSING_TOKEN, AUTH.INVALID_TOKEN)'),
  '403': errors('Only auditors and administrators (AUTH.FORBIDDEN)'),
  '429': errors('Past 20 requests per second with bursts of 100 for this token (AUTH.RATE_LIMITED); see Retry-After'),
};
const q = (name: string, description: string, schema: object = { type: 'string' }): object => ({ name, in: 'query', required: false, description, schema });
const auditors = ['auditor', 'admin'];
const event = {
  type: 'object',
  properties: {
    position: { type: 'string', description: 'global_position' },
    streamId: { type: 'string' },
    version: { type: 'string' },
    type: { type: 'string' },
    recordedAt: { type: 'string', format: 'date-time' },
    data: { type: 'object' },
    metadata: { type: 'object' },
    hash: { type: 'string', description: 'The chain hash of the row, hexadecimal' },
  },
};

/** `GET /api/v1/audit/events`, `…/verify`, `…/transmissions/{id}`. */
export const auditOpenApiPaths = {
  '/api/v1/audit/events': {
    get: {
      summary: 'Every event once, in the global order readers see (commit order), never skipping one that committed late; `next` is an opaque cursor (the same one when nothing more was read)',
      'x-roles': auditors,
      parameters: [q('after', 'The `next` of the previous page; absent: from the start'), q('limit', 'Events per page (default 100, at most 1000)', { type: 'integer', minimum: 1, maximum: 1000 })],
      responses: { '200': json('A page', { type: 'object', properties: { items: { type: 'array', items: event }, next: { type: 'string' } } }), ...common },
    },
  },
  '/api/v1/audit/verify': {
    get: {
      summary:
        'Recomputes every hash over the whole log (or the positions from..to) and names the first row found altered: hash_mismatch (an edited row), missing_event (a deleted one), out_of_order (moved or swapped rows), stream_head_mismatch (a tail deleted or forged)',
      'x-roles': auditors,
      parameters: [q('from', 'First global position to check', { type: 'integer' }), q('to', 'Last global position to check', { type: 'integer' })],
      responses: {
        '200': json('The verdict', {
          type: 'object',
          properties: {
            ok: { type: 'boolean' },
            checked: { type: 'integer' },
            firstBroken: { type: 'object', properties: { position: { type: 'string' }, reason: { type: 'string' }, streamId: { type: 'string' } } },
          },
        }),
        ...common,
      },
    },
  },
  '/api/v1/audit/transmissions/{id}': {
    get: {
      summary: 'The transmission as it stood at `at`, in the shape of GET /api/v1/transmissions/{id}, folded from its events recorded at or before that instant',
      'x-roles': auditors,
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }, q('at', 'ISO 8601 instant with its zone (default: now)', { type: 'string', format: 'date-time' })],
      responses: { '200': json('The transmission then', { $ref: '#/components/schemas/Transmission' }), '404': errors('TRANSMISSION.NOT_FOUND: unknown, or not received yet at that instant'), ...common },
    },
  },
} as const;
