import { SIREN_REGEX } from '@relais/actes';
import { IsBoolean, IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { ROLES, type Role } from '../auth/token.js';
import { UUID } from '../query-params.js';

const EMAIL = /^[^@\s]+@[^@\s]+$/;

/** `POST /api/v1/collectivite/users`: an agent (or administrator) of the caller's collectivité. */
export class CreateCollectiviteUserDto {
  @IsString()
  @Length(3, 254, { message: 'email must be an e-mail address' })
  @Matches(EMAIL, { message: 'email must be an e-mail address' })
  email!: string;

  @IsString()
  @Length(1, 200, { message: 'name must be 1 to 200 characters' })
  name!: string;

  /** Administers the collectivité's users and tokens too. */
  @IsOptional()
  @IsBoolean({ message: 'collectiviteAdmin must be true or false' })
  collectiviteAdmin?: boolean;

  /** The user's collectivité: for a group administrator, any they follow (their own by default). */
  @IsOptional()
  @IsString()
  @Matches(SIREN_REGEX, { message: 'siren must be 9 digits' })
  siren?: string;
}

/** `POST /api/v1/admin/users`: anyone, with their role (and collectivité, for that role). */
export class CreateUserDto extends CreateCollectiviteUserDto {
  @IsIn(ROLES, { message: `role must be one of ${ROLES.join(', ')}` })
  role!: Role;

  /** Makes the user a group administrator: they follow the group's members (a collectivite user only). */
  @IsOptional()
  @IsString()
  @Matches(UUID, { message: 'groupId must be a UUID' })
  groupId?: string;
}
