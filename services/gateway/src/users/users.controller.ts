import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import { actorOf, type Principal } from '../auth/principal.js';
import { Roles } from '../auth/roles.decorator.js';
import { TokenRepository, type IssuedToken, type TokenInfo } from '../auth/token.repository.js';
import { ApiError } from '../errors/api-error.js';
import { GatewayErrorCode } from '../errors/error-codes.js';
import { bodyValidation } from '../errors/validation.pipe.js';
import { invalidQuery, queryText } from '../query-params.js';
import { followedSirens, notFollowed, sirenQuery } from '../groups/followed-sirens.js';
import { TokenTermsDto } from '../admin/token.dto.js';
import { CreateCollectiviteUserDto, CreateUserDto } from './user.dto.js';
import type { UserInfo } from './user.repository.js';
import { UsersService } from './users.service.js';

/** The platform administrators' users: anyone, with any role. */
@Controller('api/v1/admin/users')
@Roles('admin')
export class UsersAdminController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @HttpCode(201)
  create(@Body(bodyValidation) body: CreateUserDto, @CurrentPrincipal() principal: Principal): Promise<UserInfo> {
    return this.users.create(actorOf(principal), {
      email: body.email,
      name: body.name,
      role: body.role,
      ...(body.siren === undefined ? {} : { siren: body.siren }),
      collectiviteAdmin: body.collectiviteAdmin ?? false,
      ...(body.groupId === undefined ? {} : { groupId: body.groupId }),
    });
  }

  @Get()
  async list(@Query() query: Record<string, unknown>): Promise<{ items: UserInfo[] }> {
    const siren = queryText('siren', query['siren']);
    if (siren !== undefined && !/^[0-9]{9}$/.test(siren)) throw invalidQuery('siren', 'siren must be 9 digits');
    return { items: await this.users.list(siren === undefined ? undefined : [siren]) };
  }

  @Delete(':id')
  @HttpCode(204)
  disable(@Param('id') id: string, @CurrentPrincipal() principal: Principal): Promise<void> {
    return this.users.disable(actorOf(principal), id);
  }

  @Post(':id/tokens')
  @HttpCode(201)
  issueToken(@Param('id') id: string, @Body(bodyValidation) body: TokenTermsDto, @CurrentPrincipal() principal: Principal): Promise<IssuedToken> {
    return this.users.issueToken(actorOf(principal), id, body);
  }
}

/**
 * A collectivité's own administrators (users marked `collectiviteAdmin`): its users and its tokens,
 * nobody else's; a group administrator's, those of every collectivité they follow (`?siren=` narrows a
 * list to one, `siren` in a new user's body names theirs, their own by default). Other collectivité
 * tokens get 403 AUTH.NOT_COLLECTIVITE_ADMIN.
 */
@Controller('api/v1/collectivite')
@Roles('collectivite')
export class CollectiviteAdminController {
  constructor(
    private readonly users: UsersService,
    private readonly tokens: TokenRepository,
  ) {}

  @Get('users')
  async listUsers(@CurrentPrincipal() principal: Principal, @Query() query: Record<string, unknown>): Promise<{ items: UserInfo[] }> {
    return { items: await this.users.list(administeredScope(principal, query['siren'])) };
  }

  @Post('users')
  @HttpCode(201)
  createUser(@Body(bodyValidation) body: CreateCollectiviteUserDto, @CurrentPrincipal() principal: Principal): Promise<UserInfo> {
    const administers = administered(principal);
    const siren = body.siren ?? principal.siren ?? '';
    if (!administers.includes(siren)) throw ApiError.of(422, GatewayErrorCode.CollectiviteNotFound, `No collectivité ${siren} that this administrator administers`, 'siren');
    return this.users.create(actorOf(principal), { email: body.email, name: body.name, role: 'collectivite', siren, collectiviteAdmin: body.collectiviteAdmin ?? false });
  }

  @Delete('users/:id')
  @HttpCode(204)
  disableUser(@Param('id') id: string, @CurrentPrincipal() principal: Principal): Promise<void> {
    return this.users.disable(actorOf(principal), id, administered(principal));
  }

  @Post('users/:id/tokens')
  @HttpCode(201)
  issueToken(@Param('id') id: string, @Body(bodyValidation) body: TokenTermsDto, @CurrentPrincipal() principal: Principal): Promise<IssuedToken> {
    return this.users.issueToken(actorOf(principal), id, body, administered(principal));
  }

  /** The collectivité's tokens, newest first, with their state and last use; never their secrets. */
  @Get('tokens')
  async listTokens(@CurrentPrincipal() principal: Principal, @Query() query: Record<string, unknown>): Promise<{ items: TokenInfo[] }> {
    return { items: await this.tokens.list({ sirens: administeredScope(principal, query['siren']), limit: 1_000 }) };
  }

  @Delete('tokens/:id')
  @HttpCode(204)
  revokeToken(@Param('id') id: string, @CurrentPrincipal() principal: Principal): Promise<void> {
    return this.users.revokeToken(actorOf(principal), id, administered(principal));
  }
}

/**
 * The SIRENs a collectivité administrator administers: their own, and a group administrator's members
 * too; 403 for any other caller.
 */
function administered(principal: Principal): readonly string[] {
  if (principal.collectiviteAdmin !== true || principal.siren === undefined) {
    throw ApiError.of(403, GatewayErrorCode.NotCollectiviteAdmin, 'Only an administrator of the collectivité may make this call');
  }
  return followedSirens(principal);
}

/** What a list shows: every SIREN administered, or the one `?siren=` names (another answers 404 COLLECTIVITE.NOT_FOUND). */
function administeredScope(principal: Principal, sirenParam: unknown): readonly string[] {
  const administers = administered(principal);
  const siren = sirenQuery(sirenParam);
  if (siren === undefined) return administers;
  if (!administers.includes(siren)) throw notFollowed(siren);
  return [siren];
}
