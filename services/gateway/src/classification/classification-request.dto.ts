import { IsOptional, IsString, Matches } from 'class-validator';
import { SIREN_REGEX } from '@relais/actes';

/** `POST /api/v1/classification/requests`: the collectivité, for an administrator (a collectivité asks for itself). */
export class ClassificationRequestDto {
  @IsOptional()
  @IsString()
  @Matches(SIREN_REGEX, { message: 'siren must be 9 digits' })
  siren?: string;
}
