import { IN_FLIGHT_STATUSES } from '@relais/read-models';
import type { Transporter } from 'nodemailer';
import type pg from 'pg';
import { stuckAlertMail, type StuckTransmission } from './stuck-alert.js';

/** When a transmission counts as stuck, and who is told. */
export interface StuckAlertSettings {
  /** Time in one status that is not final before the alert (`RELAIS_STUCK_AFTER_MINUTES`, 48 h). */
  readonly afterMs: number;
  /** How often the read model is looked at (`RELAIS_STUCK_SCAN_MS`, 1 min). */
  readonly scanMs: number;
  /** The supervisors' addresses (`RELAIS_STUCK_ALERT_TO`, comma-separated). */
  readonly to: readonly string[];
  /** The sender (`RELAIS_MAIL_FROM`). */
  readonly from: string;
}

/** What a round did. */
export interface StuckRound {
  /** Stalls seen for the first time. */
  readonly found: number;
  readonly sent: number;
  /** Alerts the SMTP server refused or could not take: tried again next round. */
  readonly failed: number;
  /** Alerts dropped because the transmission moved on before they could go. */
  readonly movedOn: number;
}

interface AlertRow {
  transmission_id: string;
  status: string;
  status_at: Date;
  kind: 'acte' | 'pes';
  siren: string;
  label: string;
  /** status_at as PostgreSQL prints it: the exact key (a Date would lose its microseconds). */
  status_at_text: string;
  still_there: boolean;
}

/**
 * Finds the transmissions stuck in a status that is not final for longer than `afterMs` (from the
 * statistics read model, which knows when each reached its status) and e-mails the supervisors once
 * per stall: a stall is a row of `stuck_alerts`, recorded once whatever the number of rounds and
 * replicas, and its e-mail is sent while the row is locked (`FOR UPDATE SKIP LOCKED`), then marked
 * sent in the same transaction. A crash between the SMTP server's acceptance and the commit sends it
 * again (with the same Message-ID); nothing else can.
 */
export class StuckAlerter {
  constructor(
    private readonly pool: pg.Pool,
    private readonly settings: StuckAlertSettings,
    private readonly transport: Pick<Transporter, 'sendMail'>,
  ) {}

  async round(now: Date = new Date()): Promise<StuckRound> {
    const { rowCount } = await this.pool.query(
      `INSERT INTO stuck_alerts (transmission_id, status, status_at, kind, siren, label)
       SELECT id, status, status_at, kind, siren, label FROM stats_transmissions
        WHERE status = ANY($1::text[]) AND status_at <= $2
       ON CONFLICT DO NOTHING`,
      [IN_FLIGHT_STATUSES, new Date(now.getTime() - this.settings.afterMs)],
    );
    let sent = 0;
    let failed = 0;
    let movedOn = 0;
    const tried: string[] = [];
    for (;;) {
      const outcome = await this.sendNext(now, tried);
      if (outcome === undefined) break;
      if (outcome === 'sent') sent++;
      else if (outcome === 'failed') failed++;
      else movedOn++;
    }
    return { found: rowCount ?? 0, sent, failed, movedOn };
  }

  /** Sends the oldest pending alert no other replica holds and this round has not tried; undefined when none is left. */
  private async sendNext(now: Date, tried: string[]): Promise<'sent' | 'failed' | 'moved_on' | undefined> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<AlertRow>(
        `SELECT a.transmission_id, a.status, a.status_at, a.status_at::text AS status_at_text, a.kind, a.siren, a.label,
                EXISTS (SELECT 1 FROM stats_transmissions s
                         WHERE s.id = a.transmission_id AND s.status = a.status AND s.status_at = a.status_at) AS still_there
           FROM stuck_alerts a
          WHERE a.sent_at IS NULL AND NOT (a.transmission_id || '|' || a.status || '|' || a.status_at::text = ANY($1::text[]))
          ORDER BY a.created_at, a.transmission_id LIMIT 1 FOR UPDATE OF a SKIP LOCKED`,
        [tried],
      );
      const row = rows[0];
      if (row === undefined) {
        await client.query('COMMIT');
        return undefined;
      }
      const key = [row.transmission_id, row.status, row.status_at_text];
      const where = 'transmission_id = $1 AND status = $2 AND status_at = $3::timestamptz';
      if (!row.still_there) {
        await client.query(`UPDATE stuck_alerts SET sent_at = now(), last_error = 'moved on before the alert could go' WHERE ${where}`, key);
        await client.query('COMMIT');
        return 'moved_on';
      }
      const stuck: StuckTransmission = { id: row.transmission_id, kind: row.kind, siren: row.siren, label: row.label, status: row.status, statusAt: row.status_at };
      const mail = stuckAlertMail(stuck, now, this.settings.from.split('@')[1] ?? 'relais.invalid');
      try {
        await this.transport.sendMail({ from: this.settings.from, to: [...this.settings.to], subject: mail.subject, text: mail.text, messageId: mail.messageId });
      } catch (error) {
        tried.push(key.join('|'));
        const message = error instanceof Error ? error.message : String(error);
        await client.query(`UPDATE stuck_alerts SET attempts = attempts + 1, last_error = $4 WHERE ${where}`, [...key, message.slice(0, 500)]);
        await client.query('COMMIT');
        return 'failed';
      }
      await client.query(`UPDATE stuck_alerts SET sent_at = now(), attempts = attempts + 1, last_error = NULL WHERE ${where}`, key);
      await client.query('COMMIT');
      return 'sent';
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}
