/*
 * The OpenAPI path items of the supervisors' statistics, spread into `openApiDocument.paths`
 * (src/openapi/openapi.document.ts). Self-contained: the same shapes as that document's helpers.
 */
const errors = (description: string): object => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Errors' } } } });
const common = {
  '400': errors('REQUEST.INVALID_QUERY (the parameter in `field`), STATS.TOO_MANY_POINTS (a series of more than 1500 buckets)'),
  '401': errors('No token, or an unknown, revoked or expired one (AUTH.MISSING_TOKEN, AUTH.INVALID_TOKEN)'),
  '403': errors('Only supervisors and administrators (AUTH.FORBIDDEN)'),
  '429': errors('Past 20 requests per second with bursts of 100 for this token (AUTH.RATE_LIMITED); see Retry-After'),
};
const q = (name: string, description: string, schema: object = { type: 'string' }): object => ({ name, in: 'query', required: false, description, schema });
const range = [
  q('from', 'Start of the half-open range [from, to), ISO 8601 with its zone; all time when from and to are absent', { type: 'string', format: 'date-time' }),
  q('to', 'End of the range (excluded)', { type: 'string', format: 'date-time' }),
];
const filters = [
  ...range,
  q('kind', 'acte or pes', { enum: ['acte', 'pes'] }),
  q('departement', 'The collectivités of one département (3-character @ctes code: 021, 02A, 974)'),
  q('siren', 'One collectivité'),
];
const limit = (fallback: number, max: number): object => q('limit', `How many items (default ${fallback}, at most ${max})`, { type: 'integer', minimum: 1, maximum: max });
const percentiles = {
  type: 'object',
  description: 'Nearest-rank percentiles in milliseconds from a log-scale histogram (4 bins per doubling): each is within one bin of the exact value; null without a sample',
  properties: { p50: { type: ['integer', 'null'] }, p95: { type: ['integer', 'null'] }, p99: { type: ['integer', 'null'] } },
};
const countNames = ['received', 'sent', 'acknowledged', 'rejected', 'nacked', 'partiallyAccepted', 'failed', 'cancelled'];
const counts = Object.fromEntries(countNames.map((name) => [name, { type: 'integer' }]));
const figures = { type: 'object', properties: { ...counts, inFlight: { type: 'integer' }, latencyMs: percentiles, latencyToSentMs: percentiles } };
const json = (description: string, schema: object): object => ({ description, content: { 'application/json': { schema } } });
const supervisors = ['supervisor', 'admin'];

/** `GET /api/v1/stats/*`. */
export const statsOpenApiPaths = {
  '/api/v1/stats/summary': {
    get: {
      summary:
        'Each count is the number of transmissions whose status event of that name was recorded in [from, to) (all time when both are absent; a transmission counts once per name, at the first such event); inFlight is the number not yet at the end of delivery now; latency runs from received to acknowledged (latencyToSentMs: to sent)',
      'x-roles': supervisors,
      parameters: filters,
      responses: {
        '200': json('The figures, and per kind', {
          ...figures,
          properties: {
            ...figures.properties,
            byKind: { type: 'object', properties: { acte: figures, pes: figures } },
            asOf: { type: ['string', 'null'], format: 'date-time', description: 'When the statistics last moved' },
          },
        }),
        ...common,
      },
    },
  },
  '/api/v1/stats/series': {
    get: {
      summary: 'The same figures per UTC minute, hour, day or calendar month over [from, to) (default: the last 24 hours, per hour), every bucket included',
      'x-roles': supervisors,
      parameters: [...filters, q('bucket', 'minute, hour (default), day or month', { enum: ['minute', 'hour', 'day', 'month'] })],
      responses: {
        '200': json('Buckets oldest first', {
          type: 'object',
          properties: {
            bucket: { type: 'string' },
            from: { type: 'string', format: 'date-time' },
            to: { type: 'string', format: 'date-time' },
            points: { type: 'array', items: { type: 'object', properties: { at: { type: 'string', format: 'date-time' }, ...counts, latencyMs: percentiles, latencyToSentMs: percentiles } } },
          },
        }),
        ...common,
      },
    },
  },
  '/api/v1/stats/breakdown': {
    get: {
      summary: 'The counts per département, nature or collectivité over [from, to), most received first, with what is in flight now',
      'x-roles': supervisors,
      parameters: [q('by', 'departement, siren or nature (required)', { enum: ['departement', 'siren', 'nature'] }), ...filters, limit(20, 2000)],
      responses: {
        '200': json('The items', {
          type: 'object',
          properties: { by: { type: 'string' }, items: { type: 'array', items: { type: 'object', properties: { value: { type: 'string' }, label: { type: 'string' }, ...counts, inFlight: { type: 'integer' } } } } },
        }),
        ...common,
      },
    },
  },
  '/api/v1/stats/backlog': {
    get: {
      summary: 'What waits now (received, validated, routed, sent: count and oldest), the oldest items waiting, and the failed ones an operator may retry, oldest first',
      'x-roles': supervisors,
      parameters: [limit(20, 500)],
      responses: { '200': json('The backlog', { type: 'object' }), ...common },
    },
  },
  '/api/v1/stats/reasons': {
    get: {
      summary: 'The most frequent codes of rejection (validation), refusal by the State (anomalie, NACK), partial acceptance and delivery failure over [from, to)',
      'x-roles': supervisors,
      parameters: [...filters, limit(10, 100)],
      responses: { '200': json('Codes and counts, most frequent first', { type: 'object' }), ...common },
    },
  },
  '/api/v1/stats/windows': {
    get: {
      summary: "Each endpoint of the routing table and the use of its transmission windows over [from, to) (default: the last 24 hours): bytes sent, deliveries, waits, and the share of the window's cap",
      'x-roles': supervisors,
      parameters: range,
      responses: { '200': json('Endpoints and their windows, oldest first', { type: 'object' }), ...common },
    },
  },
} as const;
