/** Where a certificate stands in its validity period at a given moment. */
export type CertificateStatus = 'valid' | 'expiring' | 'expired' | 'not_yet_valid';

/** A certificate's validity seen at one moment, for /health and the dashboard. */
export interface CertificateValidity {
  readonly status: CertificateStatus;
  /** End of validity, ISO 8601. */
  readonly notAfter: string;
  /** Whole days left before `notAfter` (rounded down; negative once expired). */
  readonly daysLeft: number;
}

/** The validity dates of a certificate, as `X509Certificate` gives them (`Jan  1 00:00:00 2030 GMT`). */
export interface ValidityDates {
  readonly validFrom: string;
  readonly validTo: string;
}

const DAY_MS = 86_400_000;

/**
 * Sorts a certificate by its validity at `now`: `expiring` when fewer than `warnDays` days remain,
 * so that an operator renews it days before the State's server starts refusing it.
 */
export function certificateValidity(cert: ValidityDates, now: Date, warnDays: number): CertificateValidity {
  const notBefore = Date.parse(cert.validFrom);
  const notAfter = Date.parse(cert.validTo);
  if (Number.isNaN(notBefore) || Number.isNaN(notAfter)) {
    throw new Error(`Unreadable certificate validity: ${cert.validFrom} – ${cert.validTo}`);
  }
  const remainingMs = notAfter - now.getTime();
  const daysLeft = Math.floor(remainingMs / DAY_MS);
  const status: CertificateStatus =
    now.getTime() < notBefore ? 'not_yet_valid' : remainingMs <= 0 ? 'expired' : remainingMs < warnDays * DAY_MS ? 'expiring' : 'valid';
  return { status, notAfter: new Date(notAfter).toISOString(), daysLeft };
}
