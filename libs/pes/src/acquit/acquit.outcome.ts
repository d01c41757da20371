import type { AcquitOutcome, PesAcquit } from './acquit.types.js';

/**
 * What a PES_ACQUIT says of the file as a whole: `acknowledged` when it has no `ACQUIT` block or
 * accepts every element, `nacked` when it rejects every element, `partially_accepted` otherwise. (A
 * PES_NonAcquit is `nacked` by nature.)
 */
export function acquitOutcome(acquit: PesAcquit): AcquitOutcome {
  const accepted = acquit.elements.filter((element) => element.etatAck).length;
  if (accepted === acquit.elements.length) return 'acknowledged';
  return accepted === 0 ? 'nacked' : 'partially_accepted';
}
