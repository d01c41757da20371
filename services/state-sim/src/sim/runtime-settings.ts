import type { NumAnoAck } from '@relais/pes';

/** The knobs a test may turn while the simulator runs (`POST /sim/config`). */
export interface RuntimeSettings {
  readonly ackDelayMs: number;
  readonly anomalyRate: number;
  /** How many of the next deliveries get a 503 before anything is read. */
  readonly failNext: number;
  /**
   * While true, deliveries get no answer at all (a ministry that stopped answering); they are answered
   * 503, unread and uncounted, once `hang` is turned off, on reset or at shutdown.
   */
  readonly hang: boolean;
  /**
   * How many of the next deliveries are read and counted, then answered only after `slowAnswerMs`:
   * a ministry that took the archive but whose answer the sender gives up waiting for.
   */
  readonly slowNext: number;
  readonly slowAnswerMs: number;
  /** How many of the next accepted 1-1 archives are refused by an `AnomalieEnveloppe` instead of a 1-2 or 1-3. */
  readonly envelopeAnomalyNext: number;
  /** `DateClassification` of the préfecture's classification, `YYYY-MM-DD`: a 7-1 holding an older one (or none) gets a 7-2. */
  readonly classificationDate: string;
  /** Share of accepted PES files whose PES_Acquit refuses some elements and accepts the others. */
  readonly pesPartialRate: number;
  /** Share of accepted PES files whose PES_Acquit refuses every element. */
  readonly pesNackRate: number;
  /** Share of accepted PES files refused as a whole by a PES_NonAcquit. */
  readonly pesNonAcquitRate: number;
  /** The `NumAnoAck` of the simulated PES refusals; absent for the defaults (ERREUR_PJ, ERREUR_CODIFICATION, ERREUR_SIRET). */
  readonly pesErrorCode: NumAnoAck | undefined;
}
