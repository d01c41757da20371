/**
 * Every préfecture → collectivité message, by code, with its root element (DOMAIN.md §1.3).
 * `AnomalieEnveloppe` has no code in the protocol: it answers an envelope, not an acte, and is keyed
 * `enveloppe` here.
 */
export const PREFECTURE_MESSAGE_ROOTS = {
  '1-2': 'ARActe',
  '1-3': 'AnomalieActe',
  enveloppe: 'AnomalieEnveloppe',
  '2-1': 'CourrierSimple',
  '3-1': 'DemandePieceComplementaire',
  '3-5': 'ARPieceComplementaire',
  '4-1': 'LettreObservations',
  '4-5': 'ARReponseRejetLettreObservations',
  '5-1': 'DefereTA',
  '6-2': 'ARAnnulation',
  '7-2': 'RetourClassification',
  '7-3': 'ReponseClassificationSansChangement',
} as const;

/** The code of a préfecture → collectivité message (`enveloppe` for an AnomalieEnveloppe). */
export type PrefectureMessageCode = keyof typeof PREFECTURE_MESSAGE_ROOTS;

/** A file as the operator's mailbox hands it over: its attachment name and its bytes. */
export interface PrefectureFile {
  readonly name: string;
  readonly content: Uint8Array;
}

/** What every message read carries: the file that held it. */
interface MessageFile {
  /** Name of the business XML message (`…-1-2_0.xml`, `ANO_EACT--….xml`). */
  readonly messageName: string;
}

/** The acte a message is about: its IDActe and the two halves of it replies are matched on. */
interface AboutActe {
  /** `DPT-SIREN-YYYYMMDD-NUMERO-NAT`. */
  readonly idActe: string;
  /** SIREN of the collectivité (from the IDActe). */
  readonly siren: string;
}

/** 1-2: the acte is received, and known from now on by `idActe`. */
export interface ARActeMessage extends MessageFile, AboutActe {
  readonly code: '1-2';
  /** The numéro interne of the echo `ActeRecu` (else the IDActe's). */
  readonly numeroInterne: string;
  /** Day the préfecture received the acte, `YYYY-MM-DD`: the start of the contrôle de légalité. */
  readonly dateReception: string;
  /** The classification the préfecture holds, `YYYY-MM-DD`: newer than the acte's means a 7-1 is due. */
  readonly classificationDateVersionEnCours?: string | undefined;
}

/** 1-3: the acte is refused for an anomaly in its metadata. */
export interface AnomalieActeMessage extends MessageFile, AboutActe {
  readonly code: '1-3';
  readonly numeroInterne: string;
  /** Day of the notification, `YYYY-MM-DD`. */
  readonly date: string;
  /** The anomaly's three-digit code (its meanings are not published). */
  readonly nature: string;
  /** Free text; empty when the préfecture gave none. */
  readonly detail: string;
}

/** The natures of an AnomalieEnveloppe the schema allows (their meanings are not published). */
export type AnomalieEnveloppeNature = '001' | '002' | '003' | '004' | '005' | '100';

/** An envelope is refused: every message it carried is. */
export interface AnomalieEnveloppeMessage extends MessageFile {
  readonly code: 'enveloppe';
  /** Day of the anomaly, `YYYY-MM-DD`. */
  readonly date: string;
  readonly nature: AnomalieEnveloppeNature;
  /** Free text; empty when the préfecture gave none. */
  readonly detail: string;
  /** SIREN of the collectivité that sent the envelope (`EnveloppeRecue/Emetteur/IDCL`). */
  readonly siren: string;
  /**
   * Name of the refused envelope (`EACT--SIREN--YYYYMMDD-N.xml`), when the anomaly's file is named
   * `ANO_` + it: the only link to the archive sent, since the echo carries no name of its own.
   */
  readonly envelopeName?: string | undefined;
}

/** A document the préfecture attached, under the name its message gives it. */
export interface PrefectureDocument {
  readonly name: string;
  readonly content: Uint8Array;
}

/** 2-1 courrier simple, 3-1 demande de pièces complémentaires, 4-1 lettre d'observations: a letter about an acte. */
export interface PrefectureLetterMessage extends MessageFile, AboutActe {
  readonly code: '2-1' | '3-1' | '4-1';
  /** The IDActe's numéro interne. */
  readonly numeroInterne: string;
  /** `DateCourrierPref`, `YYYY-MM-DD`: what the collectivité's answer (2-2, 3-2…4-4) must quote. */
  readonly dateCourrierPref: string;
  /** The letter's free text: `DescriptionPieces` of a 3-1, `Motif` of a 4-1; absent from a 2-1. */
  readonly text?: string | undefined;
  /** The letter itself (one file). */
  readonly documents: readonly PrefectureDocument[];
}

/** 3-5 / 4-5: the préfecture acknowledges the collectivité's answer (3-3, 3-4 / 4-3, 4-4) to its letter. */
export interface ARReponseMessage extends MessageFile, AboutActe {
  readonly code: '3-5' | '4-5';
  /** Day the answer was received, `YYYY-MM-DD`. */
  readonly dateReception: string;
  /** `DateCourrierPref` of the letter answered (`InfosCourrierPref`), which tells which answer is acknowledged. */
  readonly dateCourrierPref: string;
}

/** 5-1: the acte is referred to the tribunal administratif. */
export interface DefereTAMessage extends MessageFile, AboutActe {
  readonly code: '5-1';
  readonly numeroInterne: string;
  /** Day the déféré was lodged, `YYYY-MM-DD`. */
  readonly dateDepot: string;
  /** The illegality alleged, free text. */
  readonly natureIllegalite: string;
  /** The documents of the déféré (`PiecesJointes`), possibly none. */
  readonly documents: readonly PrefectureDocument[];
}

/** 6-2: the préfecture acknowledges the 6-1 Annulation of the acte. */
export interface ARAnnulationMessage extends MessageFile, AboutActe {
  readonly code: '6-2';
  /** Day the 6-1 was received, `YYYY-MM-DD`. */
  readonly dateReception: string;
}

/** 7-2: the préfecture's classification, to be read with `parseRetourClassification`. */
export interface RetourClassificationMessage extends MessageFile {
  readonly code: '7-2';
  /** The collectivité it is for (the envelope's `Destinataire`, else the file name). */
  readonly siren: string;
  /** `DateClassification`, `YYYY-MM-DD`. */
  readonly dateClassification: string;
  /** The message's bytes, as received. */
  readonly xml: Uint8Array;
}

/** 7-3: the classification the collectivité holds is current. */
export interface ReponseClassificationSansChangementMessage extends MessageFile {
  readonly code: '7-3';
  /** The collectivité it is for (the envelope's `Destinataire`, else the file name). */
  readonly siren: string;
  /** `DateClassification`, `YYYY-MM-DD`. */
  readonly dateClassification: string;
}

/** A préfecture → collectivité message, read: one member per code. */
export type PrefectureMessage =
  | ARActeMessage
  | AnomalieActeMessage
  | AnomalieEnveloppeMessage
  | PrefectureLetterMessage
  | ARReponseMessage
  | DefereTAMessage
  | ARAnnulationMessage
  | RetourClassificationMessage
  | ReponseClassificationSansChangementMessage;
