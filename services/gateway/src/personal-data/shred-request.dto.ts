import { IsString, Matches, MaxLength } from 'class-validator';
import { MAX_SHRED_REASON_LENGTH } from '@relais/domain';

/** `POST /api/v1/admin/transmissions/{id}/shred-personal-data`. */
export class ShredRequestDto {
  /** Kept in clear in the log for ever: a retention rule or a ticket number, never a person's name. */
  @IsString()
  @MaxLength(MAX_SHRED_REASON_LENGTH, { message: `reason must have at most ${MAX_SHRED_REASON_LENGTH} characters` })
  @Matches(/^[^\r\n]*\S[^\r\n]*$/, { message: 'reason must be one line, not blank' })
  reason!: string;
}
