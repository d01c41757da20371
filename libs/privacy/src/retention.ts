import { PLATFORM_ACTOR, type ShredPersonalData, type TransmissionStatus } from '@relais/domain';

/** The statuses after which nothing more is sent for a transmission: its retention period may run. */
export const FINAL_STATUSES: readonly TransmissionStatus[] = ['acknowledged', 'rejected', 'nacked', 'partially_accepted', 'failed', 'cancelled'];

/** A transmission as the retention rule looks at it (the read model has every field). */
export interface RetentionCandidate {
  readonly transmissionId: string;
  readonly status: TransmissionStatus;
  /** When its last event was recorded: the period runs from its last step (a letter after the AR restarts it). */
  readonly lastEventAt: Date;
  readonly personalDataShredded: boolean;
}

/** The rule: how long personal data are kept after a transmission's last step, as of `now`. */
export interface RetentionPolicy {
  /** `PERSONAL_DATA_RETENTION_DAYS`: a whole number of days, at least 1. */
  readonly retentionDays: number;
  readonly now: Date;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** The instant before which a last step is past the retention period. @throws RangeError for a bad number of days */
export function retentionCutoff(policy: RetentionPolicy): Date {
  const { retentionDays } = policy;
  if (!Number.isSafeInteger(retentionDays) || retentionDays < 1) {
    throw new RangeError(`the retention period is a whole number of days, at least 1: ${retentionDays}`);
  }
  return new Date(policy.now.getTime() - retentionDays * DAY_MS);
}

/**
 * The shreddings the retention period calls for: one ShredPersonalData (by the platform, `relais`) for
 * every candidate at a final status whose last step is older than `retentionDays`, not shredded yet,
 * in the candidates' order. Pure: the schedule lists candidates (`listRetentionCandidates` of
 * @relais/read-models, with `retentionCutoff` as `before`) and carries each command out with
 * `shredPersonalData`.
 */
export function shredExpired(candidates: readonly RetentionCandidate[], policy: RetentionPolicy): ShredPersonalData[] {
  const cutoff = retentionCutoff(policy).getTime();
  const at = policy.now.toISOString();
  return candidates
    .filter((c) => !c.personalDataShredded && FINAL_STATUSES.includes(c.status) && c.lastEventAt.getTime() < cutoff)
    .map((c) => ({
      type: 'ShredPersonalData',
      data: {
        transmissionId: c.transmissionId,
        at,
        reason: `retention period of ${policy.retentionDays} days after the last step (${c.status}) ended`,
        requestedBy: PLATFORM_ACTOR,
      },
    }));
}
