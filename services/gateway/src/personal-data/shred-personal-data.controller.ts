import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import type { PersonalField } from '@relais/domain';
import { PersonalData, shredPersonalData } from '@relais/privacy';
import { TransmissionCommands } from '@relais/service-kit';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import { actorOf, type Principal } from '../auth/principal.js';
import { Roles } from '../auth/roles.decorator.js';
import { bodyValidation } from '../errors/validation.pipe.js';
import { isTransmissionId, notFound } from '../transmissions/transmissions.reader.js';
import { ShredRequestDto } from './shred-request.dto.js';

/** What `POST /api/v1/admin/transmissions/{id}/shred-personal-data` answers, the first time and every time after. */
export interface ShredAnswer {
  readonly id: string;
  readonly personalDataShredded: true;
  /** When the shredding was first asked (the PersonalDataShredded event's `at`). */
  readonly shreddedAt: string;
  readonly fields: readonly PersonalField[];
  readonly reason: string;
  readonly requestedBy: string;
  /** True when an earlier request had shredded them: this one changed nothing. */
  readonly alreadyShredded: boolean;
  /** False for a transmission stored before sealing began: its log keeps the fields in clear, only the API and the read models forget them. */
  readonly erasedFromLog: boolean;
}

/**
 * The administrators' erasure of a transmission's personal data (docs/personal-data.md): its key is
 * destroyed, PersonalDataShredded recorded; its history, its status and every hash stay as they were.
 */
@Controller('api/v1/admin/transmissions')
@Roles('admin')
export class ShredPersonalDataController {
  constructor(
    private readonly commands: TransmissionCommands,
    private readonly personalData: PersonalData,
  ) {}

  /** 200 with what was done; idempotent. 404 TRANSMISSION.NOT_FOUND, 400 REQUEST.INVALID_BODY. */
  @Post(':id/shred-personal-data')
  @HttpCode(200)
  async shred(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body(bodyValidation) body: ShredRequestDto,
  ): Promise<ShredAnswer> {
    if (!isTransmissionId(id)) throw notFound(id);
    const outcome = await shredPersonalData(
      { commands: this.commands, keys: this.personalData.keys },
      { type: 'ShredPersonalData', data: { transmissionId: id, at: new Date().toISOString(), reason: body.reason, requestedBy: actorOf(principal) } },
    );
    const { at, fields, reason, requestedBy, recorded, erasedFromLog } = outcome;
    return { id, personalDataShredded: true, shreddedAt: at, fields, reason, requestedBy, alreadyShredded: !recorded, erasedFromLog };
  }
}
