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

const historyEvent = {
  type: 'object',
  properties: {
    position: { type: 'string', description: 'global_position' },
    version: { type: 'string', description: 'stream_version, from 1' },
    eventId: { type: 'string', format: 'uuid' },
    type: { type: 'string' },
    recordedAt: { type: 'string', format: 'date-time', description: 'As hashed: UTC with 6 fractional digits' },
    data: { type: 'object' },
    metadata: { type: 'object' },
    hash: { type: 'string', description: 'The chain hash stored in the row, hexadecimal' },
    previousHash: { type: 'string', description: 'The stored hash of the previous row of the stream (64 zeros before the first), hexadecimal' },
    chainOk: {
      type: 'boolean',
      description: 'The row follows the previous version and sha256(previousHash || RFC 8785 JSON of the row) recomputed now equals its hash',
    },
  },
};
const transmissionId = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };
const statuses = ['received', 'validated', 'routed', 'sent', 'acknowledged', 'rejected', 'nacked', 'partially_accepted', 'failed', 'cancelled'];

/** `GET /api/v1/audit/events`, `…/verify`, `…/transmissions`, `…/transmissions/{id}`, `…/transmissions/{id}/events`. */
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
        'Recomputes every hash over the whole log (or the positions from..to) and names the first row found altered: hash_mismatch (an edited row), missing_event (a deleted one), inserted_event (a row beyond its stream’s recorded head), out_of_order (moved or swapped rows), stream_head_mismatch (a stream head edited). Over the whole log it also recomputes every seal (docs/audit-seals.md): seal_mismatch, seal_chain_broken; `relais audit verify --seals <file>` checks the exported copies too',
      'x-roles': auditors,
      parameters: [q('from', 'First global position to check', { type: 'integer' }), q('to', 'Last global position to check', { type: 'integer' })],
      responses: {
        '200': json('The verdict', {
          type: 'object',
          properties: {
            ok: { type: 'boolean' },
            checked: { type: 'integer' },
            firstBroken: { type: 'object', properties: { position: { type: 'string' }, reason: { type: 'string' }, streamId: { type: 'string' }, seal: { type: 'string' } } },
            seals: {
              type: 'object',
              description: 'Whole-log runs only',
              properties: {
                ok: { type: 'boolean' },
                checked: { type: 'integer' },
                eventsSealed: { type: 'integer' },
                lastSeal: { type: 'object', properties: { seal: { type: 'string' }, position: { type: 'string' }, sealedAt: { type: 'string', format: 'date-time' } } },
                firstBroken: { type: 'object', properties: { seal: { type: 'string' }, reason: { type: 'string' }, fromPosition: { type: 'string' }, toPosition: { type: 'string' } } },
              },
            },
          },
        }),
        ...common,
      },
    },
  },
  '/api/v1/audit/transmissions': {
    get: {
      summary:
        'Searches the transmissions (the read model the projector keeps), newest received first; every filter given must match; `next` (present when more follow) is an opaque cursor for `after`',
      'x-roles': auditors,
      parameters: [
        q('siren', 'The collectivité (9 digits)'),
        q('kind', 'acte or pes', { type: 'string', enum: ['acte', 'pes'] }),
        q('status', 'The current status', { type: 'string', enum: statuses }),
        q('q', 'Text (at most 200 characters), ignoring case: the start of the id, or part of the numéro interne, NomFic, objet or IDActe'),
        q('from', 'Received at or after (ISO 8601 instant with its zone)', { type: 'string', format: 'date-time' }),
        q('to', 'Received before (ISO 8601 instant with its zone), after `from`', { type: 'string', format: 'date-time' }),
        q('limit', 'Transmissions per page (default 50, at most 1000)', { type: 'integer', minimum: 1, maximum: 1000 }),
        q('after', 'The `next` of the previous page'),
      ],
      responses: {
        '200': json('A page', {
          type: 'object',
          properties: { items: { type: 'array', items: { $ref: '#/components/schemas/Transmission' } }, next: { type: 'string' } },
        }),
        ...common,
      },
    },
  },
  '/api/v1/audit/transmissions/{id}': {
    get: {
      summary: 'The transmission as it stood at `at`, in the shape of GET /api/v1/transmissions/{id}, folded from its events recorded at or before that instant',
      'x-roles': auditors,
      parameters: [transmissionId, q('at', 'ISO 8601 instant with its zone (default: now)', { type: 'string', format: 'date-time' })],
      responses: { '200': json('The transmission then', { $ref: '#/components/schemas/Transmission' }), '404': errors('TRANSMISSION.NOT_FOUND: unknown, or not received yet at that instant'), ...common },
    },
  },
  '/api/v1/audit/transmissions/{id}/events': {
    get: {
      summary:
        'The transmission’s whole stream from the log, in version order, each event with its stored hash, its predecessor’s, and the chain recomputed at that row; `chainOk` at the top also needs the stream’s recorded head to be its last event (no tail deleted)',
      'x-roles': auditors,
      parameters: [transmissionId],
      responses: {
        '200': json('The history', {
          type: 'object',
          properties: { streamId: { type: 'string' }, chainOk: { type: 'boolean' }, items: { type: 'array', items: historyEvent } },
        }),
        '404': errors('TRANSMISSION.NOT_FOUND: no event in its stream'),
        ...common,
      },
    },
  },
} as const;
