/**
 * The alert a supervisor receives when a transmission has not moved for too long (S²LOW alerts after
 * 48 hours without an AR): which transmissions are stuck, and the e-mail that says so. Pure.
 */

/** A transmission waiting in a status that is not final, as the statistics read model knows it. */
export interface StuckTransmission {
  readonly id: string;
  readonly kind: 'acte' | 'pes';
  readonly siren: string;
  /** Numéro interne or PES file name. */
  readonly label: string;
  readonly status: string;
  /** When it reached that status. */
  readonly statusAt: Date;
}

/** An e-mail ready to send. */
export interface AlertMail {
  readonly messageId: string;
  readonly subject: string;
  readonly text: string;
}

const STATUS_FR: Readonly<Record<string, string>> = {
  received: 'reçue, en attente de validation',
  validated: 'validée, en attente d’aiguillage',
  routed: 'prête, en attente d’envoi',
  sent: 'envoyée, en attente de l’accusé de réception',
};

/** How long, in whole hours and minutes, in French. */
export function durationFr(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  const hours = Math.floor(minutes / 60);
  if (hours === 0) return `${String(minutes)} min`;
  return minutes % 60 === 0 ? `${String(hours)} h` : `${String(hours)} h ${String(minutes % 60).padStart(2, '0')}`;
}

/**
 * The alert for a stuck transmission, in French. Its Message-ID is derived from the transmission and
 * the moment it reached its status, so the one alert of a stall keeps one identity even if a crash
 * between sending and recording makes it go twice.
 */
export function stuckAlertMail(t: StuckTransmission, now: Date, domain: string): AlertMail {
  const what = t.kind === 'acte' ? 'L’acte' : 'Le flux PES';
  const since = durationFr(now.getTime() - t.statusAt.getTime());
  return {
    messageId: `<stuck.${t.id}.${String(t.statusAt.getTime())}@${domain}>`,
    subject: `[Relais] ${what} ${t.label} (SIREN ${t.siren}) est bloqué depuis ${since}`,
    text: [
      `${what} ${t.label} de la collectivité ${t.siren} n’a pas avancé depuis ${since}.`,
      '',
      `Transmission : ${t.id}`,
      `État : ${STATUS_FR[t.status] ?? t.status} depuis le ${t.statusAt.toISOString()}`,
      '',
      'Son historique complet : GET /api/v1/transmissions/' + t.id + '/events',
      'Cette alerte n’est envoyée qu’une fois pour cet arrêt ; une nouvelle alerte partira s’il se bloque de nouveau plus loin.',
    ].join('\n'),
  };
}
