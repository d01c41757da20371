/*
 * The OpenAPI path items and schemas of the PES calls, spread into `openApiDocument`
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
const xmlFile = { type: 'string', contentMediaType: 'application/xml' };

/** Where a PES problem lies, as every PES.* error's `field` writes it. */
export const PES_FIELD_DESCRIPTION =
  'For PES.* codes, where in the file: `path? (@line(:column)?)?`, the path the element at fault below the root, a step ' +
  '`Name` or `Name[Key=value]` (value URI-encoded): `EnTetePES/IdColl@23`, `Enveloppe/Parametres/NomFic@7`, ' +
  '`Bordereau[IdBord=1234567]/Piece[IdPce=832]@45`, `PES_PJ/PJ[IdUnique=PJ-1]/IdUnique@141`, ' +
  '`PES_PJ/PJ[IdUnique=PJ-1]/Contenu/Fichier@141`, `@12:5` (broken XML: a place, no element); none for PES.EMPTY';

/** The schemas the PES calls use. */
export const pesSchemas = {
  PesRetour: {
    type: 'object',
    required: ['id', 'receivedAt', 'siret', 'fileName', 'nomFic', 'idPost', 'codCol', 'size', 'sha256'],
    properties: {
      id: { type: 'string', format: 'uuid' },
      receivedAt: { type: 'string', format: 'date-time', description: 'When the platform collected it from the DGFiP' },
      siret: { type: 'string', pattern: '^[0-9]{14}$', description: 'The IdColl it names: one of the collectivité’s budgets' },
      fileName: { type: 'string', description: 'Its name on the DGFiP’s server' },
      nomFic: { type: 'string' },
      idPost: { type: 'string' },
      codCol: { type: 'string' },
      size: { type: 'integer', description: 'Bytes' },
      sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
    },
  },
  PesRetourPage: { type: 'object', required: ['items'], properties: { items: { type: 'array', items: ref('PesRetour') } } },
};

const OPERATOR_CHECKS =
  'PES.ENCODING_NOT_ACCEPTED (declared neither ISO-8859-1 nor UTF-8), PES.NOT_PES_ALLER (namespace), PES.EMPTY (no bordereau, PJ or marché), ' +
  'PES.TYP_FIC_INVALID, PES.NOM_FIC_MISSING, PES.NOM_FIC_TOO_LONG, PES.NOM_FIC_DUPLICATE (NomFic already sent under this CodCol by another transmission of the collectivité), ' +
  'PES.ID_COLL_INVALID, PES.ID_COLL_UNKNOWN (not a SIRET of the collectivité’s helios budgets), PES.COD_COL_INVALID (over 3 characters), PES.COD_BUD_INVALID (over 2), ' +
  'PES.ID_POST_INVALID, PES.ID_POST_UNKNOWN (not a poste of its helios budgets), PES.TRIPLET_NOT_ALLOWED (a pièce’s TypBord/TypPce/NatPce not in the grille des triplets), ' +
  'PES.PJ_ID_UNIQUE_INVALID, PES.PJ_ID_UNIQUE_DUPLICATE, PES.PJ_CONTENT_INVALID (not base64 of a complete gzip)';

/** `POST /api/v1/pes`, `GET /api/v1/pes/retours`, `GET /api/v1/pes/retours/{id}/file`. */
export const pesOpenApiPaths = {
  '/api/v1/pes': {
    post: {
      summary:
        'Submit a PES_Aller file (collectivite). The body is streamed (never held whole) into storage and through a streaming XML reader; the transmission records NomFic, CodCol, CodBud, IdPost and IdColl as the header gives them, then the validator checks every operator rule (DOMAIN.md §2.3) and a breach ends in status rejected with errors: ' +
        OPERATOR_CHECKS,
      'x-roles': ['collectivite'],
      parameters: [
        {
          name: 'Idempotency-Key',
          in: 'header',
          required: false,
          schema: { type: 'string', maxLength: 255 },
          description: 'A retry with the same key returns the first answer and creates nothing new (keys of PES submissions are their own)',
        },
      ],
      requestBody: {
        required: true,
        description: 'The PES_Aller, ISO-8859-1 or UTF-8 as its XML declaration says; up to 128 MiB (RELAIS_PES_MAX_UPLOAD_BYTES)',
        content: { 'application/xml': { schema: xmlFile }, 'text/xml': { schema: xmlFile }, 'application/octet-stream': { schema: xmlFile } },
      },
      responses: {
        '202': json('Received; the operator checks come next', ref('Accepted')),
        '400': errors(
          'The body cannot be read as XML, nothing recorded: PES.MALFORMED_XML (field `@line:column`), PES.ENCODING_UNSUPPORTED (another encoding declared, or UTF-16), PES.ENCODING_INVALID (bytes not in the declared encoding); REQUEST.INVALID_IDEMPOTENCY_KEY, REQUEST.ABORTED',
        ),
        '409': errors('IDEMPOTENCY.IN_PROGRESS: a request with this key is still running'),
        '413': errors('REQUEST.UPLOAD_TOO_LARGE: over 128 MiB (by default); nothing is recorded'),
        '415': errors('REQUEST.UNSUPPORTED_MEDIA_TYPE: the body is not application/xml, text/xml or application/octet-stream'),
        '422': errors(
          'The file cannot be a PES_Aller, nothing recorded: PES.DOCTYPE_FORBIDDEN (PES files have none; no entity is ever read), PES.NOT_PES_ALLER (another root element), PES.NOM_FIC_MISSING, PES.COD_COL_INVALID, PES.ID_POST_INVALID, PES.ID_COLL_INVALID (the identifier is absent or blank; one error each)',
        ),
        ...common,
      },
    },
  },
  '/api/v1/pes/retours': {
    get: {
      summary:
        'The PES_Retour files the DGFiP sent back for a collectivité (routed by the SIRET they name), oldest first. Webhooks hear of each arrival (event type PesRetourReceived).',
      'x-roles': ['collectivite', 'supervisor', 'auditor'],
      parameters: [
        {
          name: 'siren',
          in: 'query',
          required: false,
          schema: { type: 'string', pattern: '^[0-9]{9}$' },
          description: 'Whose: required for supervisors and auditors; a collectivité may give only its own',
        },
      ],
      responses: {
        '200': json('Its retours', ref('PesRetourPage')),
        '400': errors('REQUEST.INVALID_QUERY: siren malformed, or missing for a supervisor or an auditor'),
        '404': errors('COLLECTIVITE.NOT_FOUND: no such collectivité (for a collectivité: any SIREN but its own)'),
        ...common,
      },
    },
  },
  '/api/v1/pes/retours/{id}/file': {
    get: {
      summary: 'A PES_Retour’s XML, streamed, as an attachment under its name on the DGFiP’s server',
      'x-roles': ['collectivite', 'supervisor', 'auditor'],
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
      responses: {
        '200': { description: 'The file', content: { 'application/xml': { schema: xmlFile } } },
        '404': errors('PES_RETOUR.NOT_FOUND: unknown, or another collectivité’s'),
        ...common,
      },
    },
  },
} as const;
