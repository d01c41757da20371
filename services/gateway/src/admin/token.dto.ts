import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { SIREN_REGEX } from '@relais/actes';
import { ROLES, type Role } from '../auth/token.js';

/** When a new token expires (never, by default) and what it is for. */
export class TokenTermsDto {
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'expiresAt must be an ISO 8601 instant' })
  expiresAt?: string;

  /** What the token is for, as its administrator will recognise it in the list. */
  @IsOptional()
  @IsString()
  @Length(1, 100, { message: 'label must be 1 to 100 characters' })
  label?: string;
}

/** `POST /api/v1/admin/tokens`: `siren` for (and only for) a collectivite token. */
export class CreateTokenDto extends TokenTermsDto {
  @IsIn(ROLES, { message: `role must be one of ${ROLES.join(', ')}` })
  role!: Role;

  @IsOptional()
  @IsString()
  @Matches(SIREN_REGEX, { message: 'siren must be 9 digits' })
  siren?: string;
}

/** The longest overlap a rotation allows: 30 days. */
export const MAX_GRACE_SECONDS = 30 * 86_400;
/** The overlap when none is asked: a day, time enough to deploy the new token everywhere. */
export const DEFAULT_GRACE_SECONDS = 86_400;

/** `POST …/rotate`: how long the old token keeps working, and when the new one expires (never, by default). */
export class RotateTokenDto {
  @IsOptional()
  @IsInt({ message: 'graceSeconds must be a whole number of seconds' })
  @Min(0, { message: 'graceSeconds must be 0 (the old token stops at once) or more' })
  @Max(MAX_GRACE_SECONDS, { message: `graceSeconds must be at most ${String(MAX_GRACE_SECONDS)} (30 days)` })
  graceSeconds?: number;

  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'expiresAt must be an ISO 8601 instant' })
  expiresAt?: string;
}
