import { Body, Controller, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import { actorOf, type Principal } from '../auth/principal.js';
import { Roles } from '../auth/roles.decorator.js';
import { bodyValidation } from '../errors/validation.pipe.js';
import { CreateGroupDto, GroupMembersDto } from './group.dto.js';
import type { GroupInfo } from './group.repository.js';
import { GroupsService } from './groups.service.js';

/**
 * The platform administrators' groups of collectivités (an EPCI, a GIP team). A group administrator
 * is a user made with `groupId` (`POST /api/v1/admin/users`): they read what every member transmits
 * and, as a collectivité administrator, administer the members' users and tokens.
 */
@Controller('api/v1/admin/groups')
@Roles('admin')
export class GroupsAdminController {
  constructor(private readonly groups: GroupsService) {}

  @Post()
  @HttpCode(201)
  create(@Body(bodyValidation) body: CreateGroupDto, @CurrentPrincipal() principal: Principal): Promise<GroupInfo> {
    return this.groups.create(actorOf(principal), body.name, body.sirens);
  }

  @Get()
  async list(): Promise<{ items: GroupInfo[] }> {
    return { items: await this.groups.list() };
  }

  @Put(':id/members')
  replaceMembers(@Param('id') id: string, @Body(bodyValidation) body: GroupMembersDto, @CurrentPrincipal() principal: Principal): Promise<GroupInfo> {
    return this.groups.replaceMembers(actorOf(principal), id, body.sirens);
  }
}
