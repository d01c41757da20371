/**
 * The stable codes of every PES problem this library reports: the reading of a file (its XML, its
 * encoding), the operator checks of a PES_Aller (DOMAIN.md §2.3), the reading of a PES_Acquit or
 * PES_NonAcquit, and the refusal to build one. Callers branch on the codes, never on the messages.
 */
export const PesErrorCode = {
  /** The XML declaration names an encoding other than ISO-8859-1 or UTF-8 (or the file starts with a UTF-16 mark). */
  EncodingUnsupported: 'PES.ENCODING_UNSUPPORTED',
  /** The bytes are not valid in the encoding the file declares (a Latin-1 `é` in a file declared UTF-8, say). */
  EncodingInvalid: 'PES.ENCODING_INVALID',
  /** The file's declared encoding is not one the operator accepts (S²LOW accepts only a declared ISO-8859-1). */
  EncodingNotAccepted: 'PES.ENCODING_NOT_ACCEPTED',
  /** The file carries a DOCTYPE: no PES file has one, and it is the only way to declare entities. */
  DoctypeForbidden: 'PES.DOCTYPE_FORBIDDEN',
  /** The file is not well-formed XML; the location gives the line and column where the parser stopped. */
  MalformedXml: 'PES.MALFORMED_XML',
  /** The root element is not `PES_Aller` in `http://www.minefi.gouv.fr/cp/helios/pes_v2/Rev0/aller`. */
  NotPesAller: 'PES.NOT_PES_ALLER',
  /** The file carries neither a bordereau, nor a PJ, nor a marché, budget or facture block: Hélios would never answer it. */
  Empty: 'PES.EMPTY',
  /** `Enveloppe/Parametres/TypFic` is not an accepted file type (`PESALR2`). */
  TypFicInvalid: 'PES.TYP_FIC_INVALID',
  /** `Enveloppe/Parametres/NomFic` is absent or empty. */
  NomFicMissing: 'PES.NOM_FIC_MISSING',
  /** `NomFic` is longer than 100 characters. */
  NomFicTooLong: 'PES.NOM_FIC_TOO_LONG',
  /** The collectivité already sent a file with this `NomFic` under this `CodCol`; checked against the database, not here. */
  NomFicDuplicate: 'PES.NOM_FIC_DUPLICATE',
  /** `EnTetePES/IdColl` is absent or not a 14-digit SIRET. */
  IdCollInvalid: 'PES.ID_COLL_INVALID',
  /** `IdColl` is a SIRET, but not one of the submitting collectivité's. */
  IdCollUnknown: 'PES.ID_COLL_UNKNOWN',
  /** `EnTetePES/CodCol` is absent, empty or longer than 3 characters. */
  CodColInvalid: 'PES.COD_COL_INVALID',
  /** `EnTetePES/CodBud` is empty or longer than 2 characters. */
  CodBudInvalid: 'PES.COD_BUD_INVALID',
  /** `EnTetePES/IdPost` is absent, empty or longer than 7 characters. */
  IdPostInvalid: 'PES.ID_POST_INVALID',
  /** `IdPost` is not a poste comptable known for the collectivité: Hélios would reject the whole flow. */
  IdPostUnknown: 'PES.ID_POST_UNKNOWN',
  /** A pièce's (TypBord, TypPce, NatPce) is not in the grille des triplets of its domain, or one of the three is missing. */
  TripletNotAllowed: 'PES.TRIPLET_NOT_ALLOWED',
  /** A PJ's `IdUnique` is absent, empty or longer than 50 characters. */
  PjIdUniqueInvalid: 'PES.PJ_ID_UNIQUE_INVALID',
  /** Two PJ of the file share one `IdUnique`. */
  PjIdUniqueDuplicate: 'PES.PJ_ID_UNIQUE_DUPLICATE',
  /** A PJ's `Contenu/Fichier` is empty, not base64, or not gzip once decoded. */
  PjContentInvalid: 'PES.PJ_CONTENT_INVALID',
  /** A PES_Acquit or PES_NonAcquit lacks what the schema requires (NomFic, EtatAck…) or holds a value it forbids. */
  ReturnInvalid: 'PES.RETURN_INVALID',
  /** A file from the DGFiP whose root is neither `PES_ACQUIT` nor `PES_NonAcquit` (in the expected namespace). */
  ReturnUnknownType: 'PES.RETURN_UNKNOWN_TYPE',
  /** A builder was given a value it cannot write (an empty NomFic, a counter that is not a number…). */
  BuildInvalidInput: 'PES.BUILD_INVALID_INPUT',
  /** A builder was given a character that ISO-8859-1 has not, or that XML forbids. */
  BuildNotLatin1: 'PES.BUILD_NOT_LATIN1',
} as const;

/** One of the stable PES codes. */
export type PesErrorCode = (typeof PesErrorCode)[keyof typeof PesErrorCode];

/** Where in a PES file a problem lies: the bordereau (`IdBord`), pièce (`IdPce`), PJ (`IdUnique`) and line. */
export interface PesErrorLocation {
  readonly bordereau?: string;
  readonly piece?: string;
  readonly pj?: string;
  readonly line?: number;
  readonly column?: number;
}

/** One problem found in a PES file, in the API's `{code, message, field?}` shape plus where it lies. */
export interface PesError {
  readonly code: PesErrorCode;
  readonly message: string;
  /** The element at fault, as a path below the root (`EnTetePES/IdColl`). */
  readonly field?: string;
  readonly location?: PesErrorLocation;
}

/**
 * A refusal to read a PES file at all: its encoding, a DOCTYPE, broken XML, or a PES_Acquit that is
 * not one. `toPesError()` gives the same problem as a {@link PesError}, for callers that list problems.
 */
export class PesReadError extends Error {
  override readonly name = 'PesReadError';

  constructor(
    readonly code: PesErrorCode,
    /** What is wrong, without the line (which `message` adds). */
    readonly detail: string,
    readonly location?: PesErrorLocation,
    readonly field?: string,
  ) {
    super(location?.line === undefined ? detail : `${detail} (ligne ${location.line})`);
  }

  /** This refusal as one problem of a list. */
  toPesError(): PesError {
    return {
      code: this.code,
      message: this.detail,
      ...(this.field === undefined ? {} : { field: this.field }),
      ...(this.location === undefined ? {} : { location: this.location }),
    };
  }
}

/** A builder refused its input; `field` names the value at fault. */
export class PesBuildError extends Error {
  override readonly name = 'PesBuildError';

  constructor(
    readonly code: PesErrorCode,
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}
