import { SetMetadata } from '@nestjs/common';
import type { Role } from './token.js';

/** Metadata key of {@link Roles}. */
export const ROLES_KEY = 'relais.gateway.roles';
/** Metadata key of {@link Public}. */
export const PUBLIC_KEY = 'relais.gateway.public';

/** The roles that may call a route (or every route of a controller). */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator => SetMetadata(ROLES_KEY, roles);

/** A route anyone may call, without a token (`/health`). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_KEY, true);
