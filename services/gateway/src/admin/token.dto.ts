import { IsIn, IsISO8601, IsOptional, IsString, Matches } from 'class-validator';
import { SIREN_REGEX } from '@relais/actes';
import { ROLES, type Role } from '../auth/token.js';

/** `POST /api/v1/admin/tokens`: `siren` for (and only for) a collectivite token. */
export class CreateTokenDto {
  @IsIn(ROLES, { message: `role must be one of ${ROLES.join(', ')}` })
  role!: Role;

  @IsOptional()
  @IsString()
  @Matches(SIREN_REGEX, { message: 'siren must be 9 digits' })
  siren?: string;

  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'expiresAt must be an ISO 8601 instant' })
  expiresAt?: string;
}
