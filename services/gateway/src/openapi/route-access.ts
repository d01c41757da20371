import { RequestMethod, type Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import type { Reflector } from '@nestjs/core';
import { PUBLIC_KEY, ROLES_KEY } from '../auth/roles.decorator.js';
import { ROLES, type Role } from '../auth/token.js';

/** Who may call a route, as the guard decides it from the route's decorators. */
export interface RouteAccess {
  readonly method: string;
  /** In OpenAPI's spelling: `/api/v1/transmissions/{id}`. */
  readonly path: string;
  /** `public`: no token needed (`@Public()`); otherwise the roles `@Roles(...)` lists, or every role without it. */
  readonly access: 'public' | readonly Role[];
}

function joinPath(prefix: unknown, path: unknown): string {
  const parts = [prefix, path].flatMap((part) => (typeof part === 'string' ? part.split('/') : [])).filter((part) => part !== '');
  return `/${parts.map((part) => (part.startsWith(':') ? `{${part.slice(1)}}` : part)).join('/')}`;
}

/**
 * Every route of `controllers` with the access the guard gives it, read from the very metadata the
 * guard reads (`Reflector.getAllAndOverride` on the handler, then its class): the OpenAPI document's
 * `x-roles` are made from it, so they cannot say something the guard does not do.
 */
export function routeAccessOf(controllers: readonly Type[], reflector: Reflector): RouteAccess[] {
  const routes: RouteAccess[] = [];
  for (const controller of controllers) {
    const prefix: unknown = Reflect.getMetadata(PATH_METADATA, controller);
    const prototype = controller.prototype as Record<string, unknown>;
    for (const name of Object.getOwnPropertyNames(prototype)) {
      const handler = prototype[name];
      if (name === 'constructor' || typeof handler !== 'function') continue;
      const method: unknown = Reflect.getMetadata(METHOD_METADATA, handler);
      if (typeof method !== 'number') continue;
      const targets = [handler, controller];
      const isPublic = reflector.getAllAndOverride<boolean | undefined>(PUBLIC_KEY, targets) === true;
      const roles = reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
      routes.push({
        method: RequestMethod[method] ?? String(method),
        path: joinPath(prefix, Reflect.getMetadata(PATH_METADATA, handler)),
        access: isPublic ? 'public' : [...(roles ?? ROLES)].sort(),
      });
    }
  }
  return routes;
}

/** A copy of an OpenAPI document whose operations' `x-roles` are the guard's roles (none on a public route). */
export function withGuardRoles<D extends { readonly paths: object }>(document: D, routes: readonly RouteAccess[]): D {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [path, item] of Object.entries(document.paths as Record<string, Record<string, unknown>>)) {
    paths[path] = Object.fromEntries(
      Object.entries(item).map(([method, operation]) => {
        const route = routes.find((r) => r.path === path && r.method === method.toUpperCase());
        if (route === undefined || typeof operation !== 'object' || operation === null) return [method, operation];
        const rest: Record<string, unknown> = { ...(operation as Record<string, unknown>) };
        delete rest['x-roles'];
        return [method, route.access === 'public' ? rest : { ...rest, 'x-roles': route.access }];
      }),
    );
  }
  return { ...document, paths };
}
