import type { ClassificationRequestArchiveInput } from '@relais/actes';
import type { ClassificationRequest, ClassificationState } from '@relais/domain';
import type { Collectivite } from '@relais/service-kit';
import type { EnvelopeSettings } from '../archives/archive-input.js';

/** What to do about a 7-1 the log asked to send. */
export type RequestPlan =
  | { readonly kind: 'send'; readonly request: ClassificationRequest }
  /** The log already says the State took it. */
  | { readonly kind: 'sent' }
  /** The collectivité's stream holds no such request: retrying cannot help. */
  | { readonly kind: 'impossible'; readonly why: string };

/** Whether and what to send for the classification request `requestId` of a collectivité. */
export function requestPlan(state: ClassificationState, siren: string, requestId: string): RequestPlan {
  const request = state.requests.find((r) => r.id === requestId);
  if (request === undefined) return { kind: 'impossible', why: `no classification request ${requestId} for ${siren}` };
  return request.sent === undefined ? { kind: 'send', request } : { kind: 'sent' };
}

/**
 * The `DateClassification` a 7-1 declares: the date of the classification the collectivité holds, that
 * of the platform's default while it holds none (the préfecture then answers 7-3 if the default is current).
 */
export function dateClassificationOf(request: ClassificationRequest, settings: Pick<EnvelopeSettings, 'classificationDate'>): string {
  return request.dateClassificationHeld === '' ? settings.classificationDate : request.dateClassificationHeld;
}

/** Everything one 7-1 archive is made of. */
export interface RequestParts {
  readonly collectivite: Pick<Collectivite, 'siren' | 'departement' | 'arrondissement' | 'nature'>;
  readonly request: ClassificationRequest;
  /** `YYYY-MM-DD`. */
  readonly dateEnvoi: string;
  readonly sequence: number;
  readonly settings: EnvelopeSettings;
}

/** The input of `buildClassificationRequestArchive`: the collectivité's registration as sender, the date of the classification held. */
export function classificationRequestInput(parts: RequestParts): ClassificationRequestArchiveInput {
  const { collectivite, settings } = parts;
  return {
    operatorTrigram: settings.operatorTrigram,
    sequence: parts.sequence,
    dateEnvoi: parts.dateEnvoi,
    collectivite: {
      siren: collectivite.siren,
      departement: collectivite.departement,
      arrondissement: collectivite.arrondissement,
      nature: collectivite.nature,
    },
    adressesRetour: [settings.returnAddress],
    dateClassification: dateClassificationOf(parts.request, settings),
  };
}
