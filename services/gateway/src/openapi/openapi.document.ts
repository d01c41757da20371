/**
 * The OpenAPI 3.1 description of every route the gateway serves, written by hand beside the
 * controllers (API.md: everything the gateway adds is described here).
 */
import { classificationOpenApiPaths } from '../classification/classification.openapi.js';
import { deadLettersOpenApiPaths } from '../dead-letters/dead-letters.openapi.js';
import { documentsOpenApiPaths } from '../documents/documents.openapi.js';
import { exchangeSchemas, exchangesOpenApiPaths } from '../exchanges/exchanges.openapi.js';
import { groupSchemas, groupsOpenApiPaths } from '../groups/groups.openapi.js';
import { metricsOpenApiPaths } from '../metrics/metrics.openapi.js';
import { noticeSchemas, noticesOpenApiPaths } from '../notices/notices.openapi.js';
import { PES_FIELD_DESCRIPTION, pesOpenApiPaths, pesSchemas } from '../pes/pes.openapi.js';
import { auditOpenApiPaths } from '../audit/audit.openapi.js';
import { personalDataOpenApiPaths } from '../personal-data/personal-data.openapi.js';
import { statsOpenApiPaths } from '../stats/stats.openapi.js';
import { webOpenApiPaths } from '../web/web.openapi.js';

const ref = (name: string): { $ref: string } => ({ $ref: `#/components/schemas/${name}` });
const errorResponse = (description: string): object => ({ description, content: { 'application/json': { schema: ref('Errors') } } });
const json = (description: string, schema: object): object => ({ description, content: { 'application/json': { schema } } });
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };
const common = {
  '401': errorResponse(
    'No token, or an unknown, revoked or expired one (AUTH.MISSING_TOKEN, AUTH.INVALID_TOKEN); a web session that ended (AUTH.SESSION_ENDED)',
  ),
  '403': errorResponse(
    'The role may not make this call (AUTH.FORBIDDEN); a change asked with the session cookie from another origin (AUTH.CROSS_ORIGIN)',
  ),
  '429': errorResponse(
    'Past 20 requests per second with bursts of 100 for this token (AUTH.RATE_LIMITED); too many refused tokens from this address (AUTH.TOO_MANY_FAILURES); see Retry-After',
  ),
};

const schemas = {
  Error: {
    type: 'object',
    required: ['code', 'message'],
    properties: {
      code: { type: 'string', examples: ['TRANSMISSION.NOT_FOUND'] },
      message: { type: 'string' },
      field: { type: 'string', description: `The value at fault. ${PES_FIELD_DESCRIPTION}` },
    },
  },
  Errors: { type: 'object', required: ['errors'], properties: { errors: { type: 'array', items: ref('Error') } } },
  HeliosBudget: {
    type: 'object',
    required: ['idPost', 'codCol', 'codBud', 'siret'],
    properties: {
      idPost: { type: 'string', pattern: '^[0-9]{6}$' },
      codCol: { type: 'string', pattern: '^[0-9A-Z]{3}$' },
      codBud: { type: 'string', pattern: '^[0-9A-Z]{2}$' },
      siret: { type: 'string', pattern: '^[0-9]{14}$' },
    },
  },
  NewCollectivite: {
    type: 'object',
    required: ['siren', 'nom', 'departement', 'arrondissement', 'nature'],
    additionalProperties: false,
    properties: {
      siren: { type: 'string', pattern: '^[0-9]{9}$' },
      nom: { type: 'string', minLength: 1, maxLength: 200 },
      departement: { type: 'string', pattern: '^(0[0-9][0-9AB]|9[0-9]{2})$', examples: ['021', '02A', '974'] },
      arrondissement: { type: 'string', pattern: '^[0-9]$' },
      nature: { type: 'string', pattern: '^[0-9]{2}$', examples: ['31'] },
      helios: { type: 'array', items: ref('HeliosBudget') },
    },
  },
  Collectivite: {
    allOf: [
      ref('NewCollectivite'),
      {
        type: 'object',
        required: ['helios', 'registeredAt', 'registeredBy'],
        properties: { registeredAt: { type: 'string', format: 'date-time' }, registeredBy: { type: 'string' } },
      },
    ],
  },
  NewToken: {
    type: 'object',
    required: ['role'],
    additionalProperties: false,
    properties: {
      role: { enum: ['admin', 'collectivite', 'supervisor', 'auditor'] },
      siren: { type: 'string', pattern: '^[0-9]{9}$', description: 'Required for (and only for) the collectivite role; a registered SIREN' },
      expiresAt: { type: 'string', format: 'date-time' },
      label: { type: 'string', minLength: 1, maxLength: 100, description: 'What the token is for, shown in the list' },
    },
  },
  NewUser: {
    type: 'object',
    required: ['email', 'name', 'role'],
    additionalProperties: false,
    properties: {
      email: { type: 'string', description: 'Kept in lower case; never written to the event log' },
      name: { type: 'string', minLength: 1, maxLength: 200 },
      role: { enum: ['admin', 'collectivite', 'supervisor', 'auditor'] },
      siren: { type: 'string', pattern: '^[0-9]{9}$', description: 'Required for (and only for) the collectivite role' },
      collectiviteAdmin: { type: 'boolean', description: 'Administers the users and tokens of their collectivité' },
      groupId: {
        type: 'string',
        format: 'uuid',
        description: 'Makes a collectivite user a group administrator: they read the transmissions of every member of the group (and, with collectiviteAdmin, administer their users and tokens)',
      },
    },
  },
  NewCollectiviteUser: {
    type: 'object',
    required: ['email', 'name'],
    additionalProperties: false,
    properties: {
      email: { type: 'string' },
      name: { type: 'string', minLength: 1, maxLength: 200 },
      collectiviteAdmin: { type: 'boolean' },
      siren: { type: 'string', pattern: '^[0-9]{9}$', description: 'A group administrator: which followed collectivité the user belongs to (default: their own)' },
    },
  },
  User: {
    type: 'object',
    required: ['id', 'email', 'name', 'role', 'collectiviteAdmin', 'createdAt'],
    properties: {
      id: { type: 'string', format: 'uuid' },
      email: { type: 'string' },
      name: { type: 'string' },
      role: { enum: ['admin', 'collectivite', 'supervisor', 'auditor'] },
      siren: { type: 'string' },
      collectiviteAdmin: { type: 'boolean' },
      groupId: { type: 'string', format: 'uuid', description: 'The group a group administrator follows' },
      createdAt: { type: 'string', format: 'date-time' },
      disabledAt: { type: 'string', format: 'date-time' },
    },
  },
  NewUserToken: {
    type: 'object',
    additionalProperties: false,
    properties: { expiresAt: { type: 'string', format: 'date-time' }, label: { type: 'string', minLength: 1, maxLength: 100 } },
  },
  RotateToken: {
    type: 'object',
    additionalProperties: false,
    properties: {
      graceSeconds: { type: 'integer', minimum: 0, maximum: 2_592_000, description: 'How long the old token keeps working (default 86,400: a day; 0: it stops at once)' },
      expiresAt: { type: 'string', format: 'date-time', description: 'When the new token expires (default: never)' },
    },
  },
  RotatedToken: {
    type: 'object',
    required: ['id', 'token', 'role', 'replaces', 'previousExpiresAt'],
    properties: {
      id: { type: 'string', format: 'uuid' },
      token: { type: 'string', description: 'The new bearer secret; shown once' },
      role: { enum: ['admin', 'collectivite', 'supervisor', 'auditor'] },
      siren: { type: 'string' },
      label: { type: 'string' },
      expiresAt: { type: 'string', format: 'date-time' },
      replaces: { type: 'string', format: 'uuid', description: 'The token rotated' },
      previousExpiresAt: { type: 'string', format: 'date-time', description: 'Until when the rotated token still works' },
    },
  },
  TokenInfo: {
    type: 'object',
    required: ['id', 'role', 'state', 'createdAt'],
    properties: {
      id: { type: 'string', format: 'uuid' },
      role: { enum: ['admin', 'collectivite', 'supervisor', 'auditor'] },
      siren: { type: 'string' },
      label: { type: 'string' },
      state: { enum: ['active', 'expired', 'revoked'] },
      createdAt: { type: 'string', format: 'date-time' },
      expiresAt: { type: 'string', format: 'date-time' },
      revokedAt: { type: 'string', format: 'date-time' },
      lastUsedAt: { type: 'string', format: 'date-time', description: 'To the minute: a use is written at most once a minute' },
      replaces: { type: 'string', format: 'uuid' },
      replacedBy: { type: 'string', format: 'uuid' },
      userId: { type: 'string', format: 'uuid', description: 'The named user the token was issued to' },
      collectiviteAdmin: { const: true, description: 'GET /api/v1/tokens/current only: the caller administers the users and tokens of their collectivité' },
      followedSirens: {
        type: 'array',
        items: { type: 'string' },
        description: 'GET /api/v1/tokens/current only, for a group administrator: their own SIREN and their group’s members, whose transmissions they read',
      },
    },
  },
  IssuedToken: {
    type: 'object',
    required: ['id', 'token', 'role'],
    properties: {
      id: { type: 'string', format: 'uuid' },
      token: { type: 'string', description: 'The bearer secret; shown once, only its SHA-256 is kept' },
      role: { enum: ['admin', 'collectivite', 'supervisor', 'auditor'] },
      siren: { type: 'string' },
      label: { type: 'string' },
      expiresAt: { type: 'string', format: 'date-time' },
    },
  },
  ActeMetadata: {
    type: 'object',
    required: ['numeroInterne', 'dateDecision', 'nature', 'classification', 'objet'],
    properties: {
      numeroInterne: { type: 'string', pattern: '^[A-Z0-9]([A-Z0-9_]{0,13}[A-Z0-9])?$', description: 'Unique per collectivité' },
      dateDecision: { type: 'string', format: 'date' },
      nature: { oneOf: [{ type: 'integer', minimum: 1, maximum: 6 }, { enum: ['DE', 'AR', 'AI', 'CC', 'BF', 'AU'] }] },
      classification: { type: 'string', pattern: '^\\d+(\\.\\d+){1,4}$', examples: ['7.1'] },
      objet: { type: 'string', minLength: 1, maxLength: 499, description: 'No line break' },
      documentPapier: { type: 'boolean' },
      typePJ: { type: 'string', description: "Default: the nature's generic piece type (DE 99_DE, AR 99_AR, AI 99_AI, CC 99_DC, BF 99_BU, AU 99_AU)" },
      annexesTypePJ: { type: 'array', items: { type: 'string' }, description: 'One per annexe, in order' },
    },
  },
  Accepted: {
    type: 'object',
    required: ['id', 'status'],
    properties: { id: { type: 'string' }, status: { type: 'string', examples: ['received'] } },
  },
  Transmission: {
    type: 'object',
    required: ['id', 'kind', 'siren', 'status', 'createdAt', 'updatedAt', 'errors'],
    properties: {
      id: { type: 'string' },
      kind: { enum: ['acte', 'pes'] },
      siren: { type: 'string' },
      status: {
        enum: ['received', 'validated', 'routed', 'sent', 'acknowledged', 'rejected', 'nacked', 'partially_accepted', 'failed', 'cancelled'],
      },
      createdAt: { type: 'string', format: 'date-time' },
      updatedAt: { type: 'string', format: 'date-time' },
      errors: { type: 'array', items: ref('Error') },
      acte: {
        type: 'object',
        required: ['numeroInterne', 'nature', 'classification', 'objet'],
        properties: {
          numeroInterne: { type: 'string' },
          nature: { enum: ['DE', 'AR', 'AI', 'CC', 'BF', 'AU'] },
          classification: { type: 'string' },
          objet: {
            type: ['string', 'null'],
            description: 'Personal data: null once the transmission’s personal data were shredded (then personalDataShredded is true)',
          },
          idActe: { type: 'string', description: 'DPT-SIREN-YYYYMMDD-NUMERO-NAT, from the préfecture’s AR' },
          exchanges: { type: 'array', items: ref('Exchange'), description: 'The préfecture’s letters after the AR, in order; absent until the first' },
        },
      },
      pes: {
        type: 'object',
        required: ['nomFic', 'codCol', 'idPost'],
        properties: { nomFic: { type: 'string' }, codCol: { type: 'string' }, idPost: { type: 'string' }, outcomes: { type: 'array', items: { type: 'object' } } },
      },
      acknowledgment: { type: 'object', required: ['at'], properties: { at: { type: 'string', format: 'date-time' } } },
      personalDataShredded: {
        const: true,
        description:
          'Present once the transmission’s personal data were shredded (POST /api/v1/admin/transmissions/{id}/shred-personal-data, or the retention period): acte.objet and every exchange’s text are null',
      },
    },
  },
  ...exchangeSchemas,
  ...pesSchemas,
  ...groupSchemas,
  ...noticeSchemas,
  TransmissionPage: {
    type: 'object',
    required: ['items'],
    properties: { items: { type: 'array', items: ref('Transmission') }, next: { type: 'string', description: 'Opaque cursor: pass as `after`' } },
  },
  TransmissionEvents: {
    type: 'object',
    required: ['items'],
    properties: {
      items: {
        type: 'array',
        items: {
          type: 'object',
          required: ['position', 'type', 'recordedAt', 'data'],
          properties: {
            position: { type: 'string', description: 'The event’s global_position in the log' },
            type: { type: 'string', examples: ['TransmissionReceived'] },
            recordedAt: { type: 'string', format: 'date-time' },
            data: {
              type: 'object',
              description: 'The event’s facts; its personal fields (submission.objet, a letter’s text) are null once shredded',
            },
          },
        },
      },
    },
  },
  HealthReport: {
    type: 'object',
    required: ['service', 'status'],
    properties: {
      service: { type: 'string' },
      status: { enum: ['ok', 'down'] },
      detail: { type: 'string' },
      pid: { type: 'integer' },
      instance: { type: 'string' },
      startedAt: { type: 'string', format: 'date-time' },
    },
  },
  Health: {
    type: 'object',
    required: ['status', 'services'],
    properties: { status: { enum: ['ok', 'down'] }, services: { type: 'object', additionalProperties: ref('HealthReport') } },
  },
};

const following = ['collectivite', 'supervisor', 'auditor'];

/** The document `GET /api/v1/openapi.json` serves. */
export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'Relais',
    version: '1.0.0',
    description:
      'Carries collectivités’ actes to the préfecture (@ctes) and PES files to the DGFiP, recording every step as an event. ' +
      'Every 4xx and 5xx answer has the body {errors: [{code, message, field?}]} with a stable code. ' +
      'Any call may be answered 503 with Retry-After: SERVICE.OVERLOADED when the gateway has as many uploads or heavy queries in hand as it takes at once, or too many calls wait for the database; ' +
      'SERVICE.UNAVAILABLE when the database or the broker cannot be reached; SERVICE.SHUTTING_DOWN (with Connection: close) when this gateway is stopping and takes no new request (docs/shutdown.md). A JSON or form body past its limit is 413 REQUEST.BODY_TOO_LARGE, headers past theirs 431 REQUEST.HEADERS_TOO_LARGE (docs/limits.md).',
  },
  servers: [{ url: '/' }],
  security: [{ bearer: [] }],
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'A token of one role: admin, collectivite (one SIREN), supervisor, auditor' } },
    schemas,
  },
  paths: {
    '/health': {
      get: {
        summary: 'Readiness of every platform service',
        security: [],
        responses: { '200': json('Every service is ready', ref('Health')), '503': json('Some service is not ready (named in services)', ref('Health')) },
      },
    },
    '/api/v1/openapi.json': {
      get: { summary: 'This document (any role)', responses: { '200': json('OpenAPI 3.1', { type: 'object' }), ...common } },
    },
    '/api/v1/admin/collectivites': {
      post: {
        summary: 'Register a collectivité (admin)',
        'x-roles': ['admin'],
        requestBody: { required: true, content: { 'application/json': { schema: ref('NewCollectivite') } } },
        responses: {
          '201': json('Registered', ref('Collectivite')),
          '400': errorResponse('A field is malformed (REQUEST.INVALID_BODY, REQUEST.INVALID_JSON)'),
          '409': errorResponse('The SIREN is already registered (COLLECTIVITE.ALREADY_REGISTERED)'),
          ...common,
        },
      },
    },
    '/api/v1/admin/tokens': {
      get: {
        summary: 'List tokens, newest first, with their state and last use; never their secrets (admin)',
        'x-roles': ['admin'],
        parameters: [
          { name: 'siren', in: 'query', required: false, schema: { type: 'string', pattern: '^[0-9]{9}$' }, description: "A collectivité's tokens" },
          { name: 'role', in: 'query', required: false, schema: { enum: ['admin', 'collectivite', 'supervisor', 'auditor'] } },
          { name: 'state', in: 'query', required: false, schema: { enum: ['active', 'expired', 'revoked'] } },
          { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 1000, default: 1000 } },
        ],
        responses: {
          '200': json('The tokens', { type: 'object', required: ['items'], properties: { items: { type: 'array', items: ref('TokenInfo') } } }),
          '400': errorResponse('A parameter is malformed (REQUEST.INVALID_QUERY)'),
          ...common,
        },
      },
      post: {
        summary: 'Issue a token (admin)',
        'x-roles': ['admin'],
        requestBody: { required: true, content: { 'application/json': { schema: ref('NewToken') } } },
        responses: {
          '201': json('Issued; the token is shown this once', ref('IssuedToken')),
          '400': errorResponse('A field is malformed (REQUEST.INVALID_BODY)'),
          '422': errorResponse('TOKEN.SIREN_REQUIRED, TOKEN.SIREN_NOT_ALLOWED, COLLECTIVITE.NOT_FOUND, TOKEN.EXPIRY_IN_PAST'),
          ...common,
        },
      },
    },
    '/api/v1/admin/users': {
      post: {
        summary: 'Create a named user (admin)',
        requestBody: { required: true, content: { 'application/json': { schema: ref('NewUser') } } },
        responses: {
          '201': json('Created', ref('User')),
          '400': errorResponse('A field is malformed (REQUEST.INVALID_BODY)'),
          '409': errorResponse('The address is taken (USER.EMAIL_TAKEN)'),
          '422': errorResponse('TOKEN.SIREN_REQUIRED, TOKEN.SIREN_NOT_ALLOWED, COLLECTIVITE.NOT_FOUND, GROUP.NOT_FOUND (groupId), GROUP.COLLECTIVITE_ONLY'),
          ...common,
        },
      },
      get: {
        summary: 'List users by address, a collectivité’s with siren (admin)',
        parameters: [{ name: 'siren', in: 'query', required: false, schema: { type: 'string', pattern: '^[0-9]{9}$' } }],
        responses: { '200': json('The users', { type: 'object', required: ['items'], properties: { items: { type: 'array', items: ref('User') } } }), ...common },
      },
    },
    '/api/v1/admin/users/{id}': {
      delete: {
        summary: 'Disable a user and revoke their tokens at once (admin)',
        parameters: [idParam],
        responses: { '204': { description: 'Disabled' }, '404': errorResponse('No such user (USER.NOT_FOUND)'), ...common },
      },
    },
    '/api/v1/admin/users/{id}/tokens': {
      post: {
        summary: 'Issue a token to a user, with their role and collectivité (admin)',
        parameters: [idParam],
        requestBody: { required: false, content: { 'application/json': { schema: ref('NewUserToken') } } },
        responses: {
          '201': json('Issued; the token is shown this once', ref('IssuedToken')),
          '404': errorResponse('No such user (USER.NOT_FOUND)'),
          '409': errorResponse('The user is disabled (USER.DISABLED)'),
          '422': errorResponse('TOKEN.EXPIRY_IN_PAST'),
          ...common,
        },
      },
    },
    '/api/v1/collectivite/users': {
      get: {
        summary: 'The collectivité’s users (its administrators; a group administrator’s: every followed collectivité’s)',
        parameters: [{ name: 'siren', in: 'query', required: false, schema: { type: 'string', pattern: '^[0-9]{9}$' }, description: 'A group administrator: one of the collectivités followed (another answers 404 COLLECTIVITE.NOT_FOUND)' }],
        responses: {
          '200': json('The users', { type: 'object', required: ['items'], properties: { items: { type: 'array', items: ref('User') } } }),
          ...common,
          '403': errorResponse('Not an administrator of the collectivité (AUTH.NOT_COLLECTIVITE_ADMIN)'),
        },
      },
      post: {
        summary: 'Create a user of the collectivité (its administrators)',
        requestBody: { required: true, content: { 'application/json': { schema: ref('NewCollectiviteUser') } } },
        responses: {
          '201': json('Created', ref('User')),
          '409': errorResponse('The address is taken (USER.EMAIL_TAKEN)'),
          '422': errorResponse('siren names a collectivité the administrator does not administer (COLLECTIVITE.NOT_FOUND)'),
          ...common,
          '403': errorResponse('Not an administrator of the collectivité (AUTH.NOT_COLLECTIVITE_ADMIN)'),
        },
      },
    },
    '/api/v1/collectivite/users/{id}': {
      delete: {
        summary: 'Disable a user of the collectivité and revoke their tokens (its administrators)',
        parameters: [idParam],
        responses: { '204': { description: 'Disabled' }, '404': errorResponse('No such user in the collectivité (USER.NOT_FOUND)'), ...common },
      },
    },
    '/api/v1/collectivite/users/{id}/tokens': {
      post: {
        summary: 'Issue a token to a user of the collectivité (its administrators)',
        parameters: [idParam],
        requestBody: { required: false, content: { 'application/json': { schema: ref('NewUserToken') } } },
        responses: {
          '201': json('Issued; the token is shown this once', ref('IssuedToken')),
          '404': errorResponse('No such user in the collectivité (USER.NOT_FOUND)'),
          '409': errorResponse('The user is disabled (USER.DISABLED)'),
          ...common,
        },
      },
    },
    '/api/v1/collectivite/tokens': {
      get: {
        summary: 'The collectivité’s tokens with their state and last use, never their secrets (its administrators; a group administrator’s: every followed collectivité’s)',
        parameters: [{ name: 'siren', in: 'query', required: false, schema: { type: 'string', pattern: '^[0-9]{9}$' }, description: 'A group administrator: one of the collectivités followed (another answers 404 COLLECTIVITE.NOT_FOUND)' }],
        responses: { '200': json('The tokens', { type: 'object', required: ['items'], properties: { items: { type: 'array', items: ref('TokenInfo') } } }), ...common },
      },
    },
    '/api/v1/collectivite/tokens/{id}': {
      delete: {
        summary: 'Revoke a token of the collectivité at once (its administrators)',
        parameters: [idParam],
        responses: { '204': { description: 'Revoked' }, '404': errorResponse('No such token in the collectivité (TOKEN.NOT_FOUND)'), ...common },
      },
    },
    '/api/v1/admin/tokens/{id}/rotate': {
      post: {
        summary: 'Rotate a token without downtime: a new one for the same holder, the old one working on for graceSeconds (admin)',
        'x-roles': ['admin'],
        parameters: [idParam],
        requestBody: { required: false, content: { 'application/json': { schema: ref('RotateToken') } } },
        responses: {
          '201': json('Rotated; the new token is shown this once', ref('RotatedToken')),
          '404': errorResponse('No such token (TOKEN.NOT_FOUND)'),
          '409': errorResponse('The token is revoked or expired (TOKEN.NOT_ACTIVE), or was already rotated (TOKEN.ALREADY_ROTATED)'),
          '422': errorResponse('TOKEN.EXPIRY_IN_PAST'),
          ...common,
        },
      },
    },
    '/api/v1/tokens/current': {
      get: {
        summary: 'The presented token: its state, expiry and last use (any role)',
        'x-roles': ['admin', 'collectivite', 'supervisor', 'auditor'],
        responses: { '200': json('The token, never its secret', ref('TokenInfo')), ...common },
      },
    },
    '/api/v1/tokens/current/rotate': {
      post: {
        summary: 'Rotate the presented token without downtime (any role)',
        'x-roles': ['admin', 'collectivite', 'supervisor', 'auditor'],
        requestBody: { required: false, content: { 'application/json': { schema: ref('RotateToken') } } },
        responses: {
          '201': json('Rotated; the new token is shown this once', ref('RotatedToken')),
          '409': errorResponse('The token was already rotated (TOKEN.ALREADY_ROTATED)'),
          '422': errorResponse('TOKEN.EXPIRY_IN_PAST'),
          ...common,
        },
      },
    },
    '/api/v1/admin/tokens/{id}': {
      delete: {
        summary: 'Revoke a token at once (admin)',
        'x-roles': ['admin'],
        parameters: [idParam],
        responses: { '204': { description: 'Revoked' }, '404': errorResponse('No such token (TOKEN.NOT_FOUND)'), ...common },
      },
    },
    '/api/v1/actes': {
      post: {
        summary: 'Submit an acte (collectivite)',
        'x-roles': ['collectivite'],
        parameters: [
          {
            name: 'Idempotency-Key',
            in: 'header',
            required: false,
            schema: { type: 'string', maxLength: 255 },
            description: 'A retry with the same key returns the first answer and creates nothing new',
          },
        ],
        requestBody: {
          required: true,
          content: {
            'multipart/form-data': {
              schema: {
                type: 'object',
                required: ['metadata', 'document'],
                properties: {
                  metadata: ref('ActeMetadata'),
                  document: { type: 'string', contentMediaType: 'application/octet-stream', description: 'The acte itself (one file)' },
                  annexes: { type: 'array', items: { type: 'string', contentMediaType: 'application/octet-stream' } },
                  documentSignature: {
                    type: 'string',
                    contentMediaType: 'application/pkcs7-signature',
                    description: 'Optional detached CMS (PKCS#7) signature of the document, DER or PEM; verified before sending',
                  },
                  annexesSignatures: {
                    type: 'array',
                    items: { type: 'string', contentMediaType: 'application/pkcs7-signature' },
                    description: 'Optional detached signatures of annexes, each named after its annexe plus .p7s (plan.pdf.p7s)',
                  },
                },
              },
              encoding: { metadata: { contentType: 'application/json' } },
            },
          },
        },
        responses: {
          '202': json('Received; the @ctes rules are checked next, and a breach ends in status rejected with errors', ref('Accepted')),
          '400': errorResponse(
            'Unreadable: REQUEST.NOT_MULTIPART, REQUEST.MALFORMED_MULTIPART, REQUEST.MISSING_METADATA, REQUEST.METADATA_NOT_JSON, REQUEST.MISSING_DOCUMENT, REQUEST.DUPLICATE_PART, REQUEST.PART_NOT_A_FILE, REQUEST.TOO_MANY_PARTS, REQUEST.INVALID_IDEMPOTENCY_KEY',
          ),
          '409': errorResponse('IDEMPOTENCY.IN_PROGRESS: a request with this key is still running'),
          '413': errorResponse('REQUEST.UPLOAD_TOO_LARGE: the files together exceed the limit (150 MiB by default); nothing is recorded'),
          '422': errorResponse('The metadata cannot form a submission: METADATA.INVALID, METADATA.MISSING_FIELD, METADATA.INVALID_TYPE, METADATA.UNKNOWN_NATURE, METADATA.ANNEXES_TYPEPJ_MISMATCH'),
          ...common,
        },
      },
    },
    '/api/v1/actes/archive': {
      post: {
        summary: 'Import a ready @ctes archive (collectivite); it is re-packed into the platform’s own envelope sequence',
        'x-roles': ['collectivite'],
        parameters: [
          {
            name: 'Idempotency-Key',
            in: 'header',
            required: false,
            schema: { type: 'string', maxLength: 255 },
            description: 'A retry with the same key returns the first answer and creates nothing new',
          },
          {
            name: 'Content-Disposition',
            in: 'header',
            required: false,
            schema: { type: 'string' },
            description: 'attachment; filename="TRI-EACT--SIREN--YYYYMMDD-N.tar.gz": the archive’s name, checked against its envelope when given',
          },
        ],
        requestBody: {
          required: true,
          content: {
            'application/gzip': {
              schema: {
                type: 'string',
                contentMediaType: 'application/gzip',
                description: 'The TRI-EACT--SIREN--YYYYMMDD-N.tar.gz content: the EACT envelope, one 1-1 Acte message, the document and the annexes',
              },
            },
          },
        },
        responses: {
          '202': json('Received; the @ctes rules are checked next, and a breach ends in status rejected with errors', ref('Accepted')),
          '400': errorResponse('Unreadable: ACTES.ARCHIVE_NOT_GZIP, ACTES.ARCHIVE_NOT_TAR, REQUEST.INVALID_IDEMPOTENCY_KEY, REQUEST.ABORTED'),
          '409': errorResponse('IDEMPOTENCY.IN_PROGRESS: a request with this key is still running'),
          '413': errorResponse(
            'REQUEST.UPLOAD_TOO_LARGE (the body), ACTES.ARCHIVE_TOO_LARGE (the archive once inflated): over the limit (150 MiB by default); nothing is recorded',
          ),
          '415': errorResponse('REQUEST.UNSUPPORTED_MEDIA_TYPE: the body is not application/gzip'),
          '422': errorResponse(
            'The archive is refused as the ministry would, nothing stored or recorded: ACTES.ARCHIVE_UNSAFE_ENTRY_NAME, ACTES.ARCHIVE_UNSUPPORTED_ENTRY_TYPE (links, directories), ACTES.ARCHIVE_TOO_MANY_ENTRIES, ACTES.ARCHIVE_DUPLICATE_ENTRY, ACTES.ARCHIVE_NAME_INVALID, ACTES.ARCHIVE_MISSING_ENVELOPE, ACTES.ARCHIVE_ENVELOPE_NAME_MISMATCH, ACTES.ARCHIVE_XML_DOCTYPE, ACTES.ARCHIVE_XML_MALFORMED, ACTES.ARCHIVE_INVALID_ENVELOPE, ACTES.ARCHIVE_MISSING_ACTE_MESSAGE, ACTES.ARCHIVE_INVALID_ACTE, ACTES.ARCHIVE_MISSING_FILE, ACTE.ARCHIVE_NAME_INVALID, ACTE.ARCHIVE_FILE_NAME_INVALID',
          ),
          ...common,
          '403': errorResponse('The role may not make this call (AUTH.FORBIDDEN), or the envelope is another collectivité’s (ARCHIVE.SIREN_MISMATCH)'),
        },
      },
    },
    '/api/v1/transmissions': {
      get: {
        summary: 'List transmissions, newest first (a collectivité: its own; a group administrator: every collectivité followed)',
        'x-roles': following,
        parameters: [
          {
            name: 'siren',
            in: 'query',
            schema: { type: 'string', pattern: '^[0-9]{9}$' },
            description: 'One collectivité’s only (a collectivité: one it follows, another answers 404 COLLECTIVITE.NOT_FOUND)',
          },
          { name: 'status', in: 'query', schema: schemas.Transmission.properties.status },
          { name: 'kind', in: 'query', schema: { enum: ['acte', 'pes'] } },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000, default: 50 } },
          { name: 'after', in: 'query', schema: { type: 'string' }, description: 'The next of the previous page' },
        ],
        responses: {
          '200': json('A page', ref('TransmissionPage')),
          '400': errorResponse('REQUEST.INVALID_QUERY, TRANSMISSIONS.INVALID_CURSOR, TRANSMISSIONS.INVALID_LIMIT'),
          '404': errorResponse('siren names a collectivité the caller does not follow (COLLECTIVITE.NOT_FOUND)'),
          ...common,
        },
      },
    },
    '/api/v1/transmissions/{id}': {
      get: {
        summary: 'One transmission',
        'x-roles': following,
        parameters: [idParam],
        responses: { '200': json('The transmission', ref('Transmission')), '404': errorResponse('TRANSMISSION.NOT_FOUND (also another collectivité’s)'), ...common },
      },
    },
    '/api/v1/transmissions/{id}/events': {
      get: {
        summary: 'The transmission’s events, in order',
        'x-roles': following,
        parameters: [idParam],
        responses: { '200': json('Its events', ref('TransmissionEvents')), '404': errorResponse('TRANSMISSION.NOT_FOUND'), ...common },
      },
    },
    '/api/v1/transmissions/{id}/files/{sha256}': {
      get: {
        summary:
          'A file of the transmission’s history, streamed: the acte’s document and annexes or the PES file, the documents of the préfecture’s letters and of the collectivité’s answers',
        'x-roles': following,
        parameters: [idParam, { name: 'sha256', in: 'path', required: true, schema: { type: 'string', pattern: '^[0-9a-f]{64}$' } }],
        responses: {
          '200': { description: 'The bytes', content: { 'application/octet-stream': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } } } },
          '404': errorResponse('TRANSMISSION.NOT_FOUND, FILE.NOT_FOUND'),
          ...common,
        },
      },
    },
    '/api/v1/actes/{id}/annulation': {
      post: {
        summary:
          'Cancel an acknowledged acte (collectivite, own actes): a 6-1 Annulation is sent; the acte becomes cancelled once the préfecture’s 6-2 arrives',
        'x-roles': ['collectivite'],
        parameters: [idParam],
        responses: {
          '202': json('The cancellation is requested', ref('Accepted')),
          '404': errorResponse('TRANSMISSION.NOT_FOUND: no such acte among the caller’s own'),
          '409': errorResponse('TRANSMISSION.CANCELLATION_NOT_ALLOWED: the acte has no IDActe yet (not acknowledged), or is a PES file'),
          ...common,
        },
      },
    },
    '/api/v1/transmissions/{id}/retry': {
      post: {
        summary: 'Deliver a failed transmission again (admin, supervisor)',
        'x-roles': ['admin', 'supervisor'],
        parameters: [idParam],
        responses: {
          '202': json('Delivery starts again', ref('Accepted')),
          '404': errorResponse('TRANSMISSION.NOT_FOUND'),
          '409': errorResponse('TRANSMISSION.INVALID_TRANSITION: it has not failed'),
          ...common,
        },
      },
    },
    ...pesOpenApiPaths,
    ...exchangesOpenApiPaths,
    ...documentsOpenApiPaths,
    ...classificationOpenApiPaths,
    ...statsOpenApiPaths,
    ...auditOpenApiPaths,
    ...webOpenApiPaths,
    ...metricsOpenApiPaths,
    ...personalDataOpenApiPaths,
    ...deadLettersOpenApiPaths,
    ...groupsOpenApiPaths,
    ...noticesOpenApiPaths,
    '/api/v1/webhooks': {
      post: {
        summary:
          'Register a webhook: each status change and each message from the State is POSTed to it, signed (X-Relais-Signature: sha256=<HMAC-SHA256 of the body with the secret>), with a delivery id (X-Relais-Delivery), retried with backoff, in order per transmission. ' +
          'Each PES_Retour the DGFiP sends for the collectivité is POSTed too, in order of arrival: {deliveryId, webhookId, event: {id, type: "PesRetourReceived", at, recordedAt, data}, retour: {id, siren, receivedAt, siret, fileName, nomFic, idPost, codCol, size, sha256, href}}, href the path of GET /api/v1/pes/retours/{id}/file',
        'x-roles': ['collectivite'],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['url', 'secret'],
                additionalProperties: false,
                properties: { url: { type: 'string', format: 'uri' }, secret: { type: 'string', minLength: 16, maxLength: 256 } },
              },
            },
          },
        },
        responses: {
          '201': { description: 'Registered; the secret is never returned' },
          '400': errorResponse('REQUEST.INVALID_BODY'),
          '409': errorResponse('WEBHOOK.TOO_MANY'),
          '422': errorResponse(
            'WEBHOOK.ADDRESS_NOT_ALLOWED: the URL names localhost or a loopback, private, link-local or otherwise non-public address (however written: 2130706433, 0x7f.1, [::ffff:127.0.0.1]); a name is resolved and checked again at each delivery. Allowed only with RELAIS_WEBHOOK_ALLOW_PRIVATE=true',
          ),
          ...common,
        },
      },
      get: { summary: 'The collectivité’s webhooks', 'x-roles': ['collectivite'], responses: { '200': { description: '{items: [{id, url, createdAt}]}' }, ...common } },
    },
    '/api/v1/webhooks/{id}': {
      delete: {
        summary: 'Remove a webhook: nothing more is sent to it',
        'x-roles': ['collectivite'],
        parameters: [idParam],
        responses: { '204': { description: 'Removed' }, '404': errorResponse('WEBHOOK.NOT_FOUND'), ...common },
      },
    },
  },
} as const;
