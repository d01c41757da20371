import { Type } from 'class-transformer';
import { IsArray, IsNotEmpty, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { DEPARTEMENT_REGEX, SIREN_REGEX } from '@relais/actes';

/** One budget that sends PES files (API.md `helios`). */
export class HeliosBudgetDto {
  @IsString()
  @Matches(/^[0-9]{6}$/, { message: 'idPost must be the 6-digit code of the poste comptable' })
  idPost!: string;

  @IsString()
  @Matches(/^[0-9A-Z]{3}$/, { message: 'codCol must be 3 characters (digits or capitals)' })
  codCol!: string;

  @IsString()
  @Matches(/^[0-9A-Z]{2}$/, { message: 'codBud must be 2 characters (digits or capitals)' })
  codBud!: string;

  @IsString()
  @Matches(/^[0-9]{14}$/, { message: 'siret must be 14 digits' })
  siret!: string;
}

/** `POST /api/v1/admin/collectivites` (API.md, "Who may do what"). */
export class CreateCollectiviteDto {
  @IsString()
  @Matches(SIREN_REGEX, { message: 'siren must be 9 digits' })
  siren!: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  nom!: string;

  @IsString()
  @Matches(DEPARTEMENT_REGEX, { message: 'departement must be the 3-character @ctes code (021, 02A, 974)' })
  departement!: string;

  @IsString()
  @Matches(/^[0-9]$/, { message: 'arrondissement must be one digit' })
  arrondissement!: string;

  @IsString()
  @Matches(/^[0-9]{2}$/, { message: 'nature must be the 2-digit collectivité type (31 commune)' })
  nature!: string;

  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => HeliosBudgetDto)
  helios?: HeliosBudgetDto[];
}
