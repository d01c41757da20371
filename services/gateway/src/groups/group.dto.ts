import { SIREN_REGEX } from '@relais/actes';
import { ArrayMaxSize, IsArray, IsString, Length, Matches } from 'class-validator';

/** The most members one group holds (an EPCI has a few dozen communes, the largest a few hundred). */
export const MAX_GROUP_MEMBERS = 1_000;

/** `PUT /api/v1/admin/groups/{id}/members`: the whole new list of members. */
export class GroupMembersDto {
  @IsArray({ message: 'sirens must be a list of SIRENs' })
  @ArrayMaxSize(MAX_GROUP_MEMBERS, { message: `sirens holds at most ${MAX_GROUP_MEMBERS} SIRENs` })
  @IsString({ each: true, message: 'each siren must be 9 digits' })
  @Matches(SIREN_REGEX, { each: true, message: 'each siren must be 9 digits' })
  sirens!: string[];
}

/** `POST /api/v1/admin/groups`: a group of collectivités and its first members. */
export class CreateGroupDto extends GroupMembersDto {
  @IsString()
  @Length(1, 200, { message: 'name must be 1 to 200 characters' })
  name!: string;
}
