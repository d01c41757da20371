/*
 * The OpenAPI path item of a user's e-mail notices and its schemas, spread into `openApiDocument`
 * (src/openapi/openapi.document.ts); the same shapes as that document's helpers.
 */
import { prefectureMessageTypes, transmissionStatuses } from '@relais/domain';

const errors = (description: string): object => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Errors' } } } });
const json = (description: string, schema: object): object => ({ description, content: { 'application/json': { schema } } });
const common = {
  '401': errors('No token, or an unknown, revoked or expired one (AUTH.MISSING_TOKEN, AUTH.INVALID_TOKEN)'),
  '403': errors('The token was issued to no named user (AUTH.NOT_A_USER)'),
  '429': errors('Past 20 requests per second with bursts of 100 for this token (AUTH.RATE_LIMITED); see Retry-After'),
};

const statuses = { type: 'array', maxItems: 20, items: { enum: transmissionStatuses }, description: 'E-mailed when a transmission reaches one of these statuses' };
const messageTypes = {
  type: 'array',
  maxItems: 20,
  items: { enum: prefectureMessageTypes },
  description:
    'E-mailed when the préfecture sends one of these about an acte: 1-2 accusé de réception, 1-3 anomalie, anomalie-enveloppe, 2-1 courrier simple, ' +
    '3-1 demande de pièces complémentaires, 3-5 accusé de réception de la réponse, 4-1 lettre d’observations, 4-5 accusé de réception de la réponse, ' +
    '5-1 déféré au tribunal administratif, 6-2 accusé de réception de l’annulation',
};

/** The schemas of the notices' body and answer. */
export const noticeSchemas = {
  NoticePreferences: { type: 'object', required: ['statuses', 'messageTypes'], additionalProperties: false, properties: { statuses, messageTypes } },
  Notices: {
    type: 'object',
    required: ['email', 'statuses', 'messageTypes'],
    properties: {
      email: { type: 'string', description: 'Where the notices go: the user’s address' },
      statuses,
      messageTypes,
      updatedAt: { type: 'string', format: 'date-time', description: 'Absent until the user first chose' },
    },
  },
};

/** `/api/v1/users/me/notices`. */
export const noticesOpenApiPaths = {
  '/api/v1/users/me/notices': {
    get: {
      summary:
        'The signed-in user’s e-mail notices (any role, a named user’s token): a collectivité’s user hears of its own transmissions, the other roles of every collectivité’s',
      responses: { '200': json('The notices chosen (both lists empty until the first choice)', { $ref: '#/components/schemas/Notices' }), ...common },
    },
    put: {
      summary: 'Choose the statuses and préfecture messages to be e-mailed about, both lists replaced (any role, a named user’s token)',
      requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/NoticePreferences' } } } },
      responses: {
        '200': json('Saved', { $ref: '#/components/schemas/Notices' }),
        '400': errors('Not two arrays of names, or another property (REQUEST.INVALID_BODY, REQUEST.INVALID_JSON)'),
        '422': errors('An unknown name, one error each with its field (statuses[1]): NOTICES.UNKNOWN_STATUS, NOTICES.UNKNOWN_MESSAGE_TYPE'),
        ...common,
      },
    },
  },
};
