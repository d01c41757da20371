import type { ActeNature, ClassificationRequest, ClassificationState } from '@relais/domain';
import type { CurrentClassification } from '@relais/service-kit';

/** Where a 7-1 request stands. */
export type RequestStatus = 'requested' | 'sent' | 'answered';

/** A 7-1 request as `GET /api/v1/classification` shows it. */
export interface ClassificationRequestView {
  readonly id: string;
  readonly requestedAt: string;
  readonly requestedBy: string;
  /** When the préfecture's server took the 7-1. */
  readonly sentAt?: string;
  /** The préfecture's 7-2 (a new classification) or 7-3 (unchanged). */
  readonly answer?: { readonly code: '7-2' | '7-3'; readonly at: string; readonly dateClassification: string };
}

/** `GET /api/v1/classification`. */
export interface ClassificationView {
  readonly siren: string;
  readonly source: CurrentClassification['source'];
  /** `YYYY-MM-DD`: the 7-2's DateClassification (the default's own date while it applies). */
  readonly dateClassification: string;
  /** When the 7-2 in force arrived. */
  readonly receivedAt?: string;
  /** When the préfecture last said the classification held is current (7-3). */
  readonly confirmedAt?: string;
  /** Every matière code, at every level, in the file's order (`1`, `1.1`, `1.1.1`…). */
  readonly codes: readonly string[];
  /** The piece types each nature allows; absent when the 7-2 lists none (then only their shape is checked). */
  readonly natures?: Readonly<Partial<Record<ActeNature, readonly string[]>>>;
  readonly requests: readonly ClassificationRequestView[];
}

const NATURE_ORDER: readonly ActeNature[] = ['DE', 'AR', 'AI', 'CC', 'BF', 'AU'];

/** Where a request stands: answered once the préfecture answered, sent once its server took the 7-1. Pure. */
export function requestStatus(request: ClassificationRequest): RequestStatus {
  if (request.answer !== undefined) return 'answered';
  return request.sent === undefined ? 'requested' : 'sent';
}

/** A collectivité's classification facts and the catalogue in force, as the API shows them. Pure. */
export function classificationView(siren: string, state: ClassificationState, current: CurrentClassification): ClassificationView {
  const { catalogue } = current;
  const received = current.source === 'prefecture' ? state.current : undefined;
  const natures = catalogue.natures;
  return {
    siren,
    source: current.source,
    dateClassification: received?.dateClassification ?? catalogue.version,
    ...(received === undefined ? {} : { receivedAt: received.receivedAt }),
    ...(state.confirmedAt === undefined ? {} : { confirmedAt: state.confirmedAt }),
    codes: [...catalogue.codes],
    ...(natures === undefined
      ? {}
      : {
          natures: Object.fromEntries(
            NATURE_ORDER.flatMap((nature) => {
              const types = natures.get(nature);
              return types === undefined ? [] : [[nature, [...types]]];
            }),
          ),
        }),
    requests: state.requests.map((request) => ({
      id: request.id,
      requestedAt: request.requestedAt,
      requestedBy: request.requestedBy,
      ...(request.sent === undefined ? {} : { sentAt: request.sent.at }),
      ...(request.answer === undefined
        ? {}
        : { answer: { code: request.answer.code, at: request.answer.at, dateClassification: request.answer.dateClassification } }),
    })),
  };
}
