import { Inject, Injectable } from '@nestjs/common';
import { prefectureMessageTypes, transmissionStatuses, type PrefectureMessageType, type TransmissionStatus } from '@relais/domain';
import type pg from 'pg';
import { PG_POOL } from '../tokens.js';

/** What a user wants e-mailed: the statuses and the préfecture's messages, each in the API's order. */
export interface NoticePreferences {
  readonly statuses: readonly TransmissionStatus[];
  readonly messageTypes: readonly PrefectureMessageType[];
  /** When they were last saved; absent while the user never chose. */
  readonly updatedAt?: string;
}

interface PreferencesRow {
  statuses: string[];
  message_types: string[];
  updated_at: Date;
}

/** The names of `vocabulary` that `names` holds, once each, in the vocabulary's order. */
function ordered<T extends string>(vocabulary: readonly T[], names: readonly string[]): T[] {
  return vocabulary.filter((name) => names.includes(name));
}

function preferencesOf(row: PreferencesRow | undefined): NoticePreferences {
  if (row === undefined) return { statuses: [], messageTypes: [] };
  return {
    statuses: ordered(transmissionStatuses, row.statuses),
    messageTypes: ordered(prefectureMessageTypes, row.message_types),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** The table `notice_preferences`, one row per user who ever chose (the notifier reads it). */
@Injectable()
export class NoticePreferencesRepository {
  constructor(@Inject(PG_POOL) private readonly pool: pg.Pool) {}

  async of(userId: string): Promise<NoticePreferences> {
    const { rows } = await this.pool.query<PreferencesRow>('SELECT statuses, message_types, updated_at FROM notice_preferences WHERE user_id = $1', [userId]);
    return preferencesOf(rows[0]);
  }

  /** Replaces the user's choice (names already checked); keeps when they first chose. */
  async save(userId: string, choice: { readonly statuses: readonly string[]; readonly messageTypes: readonly string[] }): Promise<NoticePreferences> {
    const { rows } = await this.pool.query<PreferencesRow>(
      `INSERT INTO notice_preferences (user_id, statuses, message_types) VALUES ($1, $2, $3)
       ON CONFLICT (user_id) DO UPDATE SET statuses = EXCLUDED.statuses, message_types = EXCLUDED.message_types, updated_at = now()
       RETURNING statuses, message_types, updated_at`,
      [userId, ordered(transmissionStatuses, choice.statuses), ordered(prefectureMessageTypes, choice.messageTypes)],
    );
    return preferencesOf(rows[0]);
  }
}
