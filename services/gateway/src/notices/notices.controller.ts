import { Body, Controller, Get, Put } from '@nestjs/common';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import type { Principal } from '../auth/principal.js';
import { Roles } from '../auth/roles.decorator.js';
import { ApiError } from '../errors/api-error.js';
import { GatewayErrorCode } from '../errors/error-codes.js';
import { UserRepository } from '../users/user.repository.js';
import { NoticePreferencesDto, noticePreferencesValidation } from './notice-preferences.dto.js';
import { NoticePreferencesRepository, type NoticePreferences } from './notice-preferences.repository.js';

/** The preferences as their owner sees them: where the e-mails go, too. */
export type NoticesView = NoticePreferences & { readonly email: string };

/**
 * The signed-in user's e-mail notices: which statuses and which préfecture messages they want to be
 * told of (the notifier sends them). Any role: a collectivité's user hears of its SIREN's
 * transmissions, the other roles of every collectivité's. A token issued to no user (the bootstrap
 * administrator's, a machine's) has nobody to write to: 403 AUTH.NOT_A_USER.
 */
@Controller('api/v1/users/me/notices')
@Roles('admin', 'collectivite', 'supervisor', 'auditor')
export class NoticesController {
  constructor(
    private readonly users: UserRepository,
    private readonly preferences: NoticePreferencesRepository,
  ) {}

  @Get()
  async read(@CurrentPrincipal() principal: Principal): Promise<NoticesView> {
    const user = await this.userOf(principal);
    return { email: user.email, ...(await this.preferences.of(user.id)) };
  }

  @Put()
  async write(@Body(noticePreferencesValidation) body: NoticePreferencesDto, @CurrentPrincipal() principal: Principal): Promise<NoticesView> {
    const user = await this.userOf(principal);
    return { email: user.email, ...(await this.preferences.save(user.id, body)) };
  }

  /** The active user the token was issued to; 403 when there is none. */
  private async userOf(principal: Principal): Promise<{ readonly id: string; readonly email: string }> {
    const user = principal.userId === undefined ? undefined : await this.users.find(principal.userId);
    if (user === undefined || user.disabledAt !== undefined) {
      throw ApiError.of(403, GatewayErrorCode.NotAUser, 'Notices are a named user’s: this token was issued to no user');
    }
    return user;
  }
}
