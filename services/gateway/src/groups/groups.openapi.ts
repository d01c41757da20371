/*
 * The OpenAPI path items and schemas of the groups of collectivités, spread into `openApiDocument`
 * (src/openapi/openapi.document.ts). Self-contained: the same shapes as that document's helpers.
 */
const ref = (name: string): { $ref: string } => ({ $ref: `#/components/schemas/${name}` });
const errors = (description: string): object => ({ description, content: { 'application/json': { schema: ref('Errors') } } });
const json = (description: string, schema: object): object => ({ description, content: { 'application/json': { schema } } });
const common = {
  '401': errors('No token, or an unknown, revoked or expired one (AUTH.MISSING_TOKEN, AUTH.INVALID_TOKEN)'),
  '403': errors('The role may not make this call (AUTH.FORBIDDEN)'),
  '429': errors('Past 20 requests per second with bursts of 100 for this token (AUTH.RATE_LIMITED); see Retry-After'),
};
const sirens = {
  type: 'array',
  maxItems: 1000,
  items: { type: 'string', pattern: '^[0-9]{9}$' },
  description: 'Registered collectivités only; each once, in order',
};
const unknownMember = errors('A SIREN no registration knows (COLLECTIVITE.NOT_FOUND, its field `sirens[i]`)');

/** The schemas the group calls use. */
export const groupSchemas = {
  NewGroup: {
    type: 'object',
    required: ['name', 'sirens'],
    additionalProperties: false,
    properties: { name: { type: 'string', minLength: 1, maxLength: 200, examples: ['CA du Grand Dijon'] }, sirens },
  },
  GroupMembers: { type: 'object', required: ['sirens'], additionalProperties: false, properties: { sirens } },
  Group: {
    type: 'object',
    required: ['id', 'name', 'sirens', 'createdAt'],
    properties: {
      id: { type: 'string', format: 'uuid' },
      name: { type: 'string' },
      sirens: { type: 'array', items: { type: 'string' }, description: 'The members a group administrator follows, besides their own collectivité' },
      createdAt: { type: 'string', format: 'date-time' },
    },
  },
};

/** `POST|GET /api/v1/admin/groups`, `PUT /api/v1/admin/groups/{id}/members`. */
export const groupsOpenApiPaths = {
  '/api/v1/admin/groups': {
    post: {
      summary:
        'Create a group of collectivités (an EPCI, a GIP team) (admin). Its administrators are users made with groupId: they read every member’s transmissions and, as collectivité administrators, administer their users and tokens',
      'x-roles': ['admin'],
      requestBody: { required: true, content: { 'application/json': { schema: ref('NewGroup') } } },
      responses: {
        '201': json('Created', ref('Group')),
        '400': errors('A field is malformed (REQUEST.INVALID_BODY)'),
        '422': unknownMember,
        ...common,
      },
    },
    get: {
      summary: 'The groups with their members, by name (admin)',
      'x-roles': ['admin'],
      responses: { '200': json('The groups', { type: 'object', required: ['items'], properties: { items: { type: 'array', items: ref('Group') } } }), ...common },
    },
  },
  '/api/v1/admin/groups/{id}/members': {
    put: {
      summary: 'Replace the members of a group (admin); a member removed is no longer followed from the next request on',
      'x-roles': ['admin'],
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
      requestBody: { required: true, content: { 'application/json': { schema: ref('GroupMembers') } } },
      responses: {
        '200': json('The group as it now stands', ref('Group')),
        '400': errors('A field is malformed (REQUEST.INVALID_BODY)'),
        '404': errors('No such group (GROUP.NOT_FOUND)'),
        '422': unknownMember,
        ...common,
      },
    },
  },
} as const;
