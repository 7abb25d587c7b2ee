import { type CanActivate, type ExecutionContext, ForbiddenException, Inject, Injectable, SetMetadata, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { AuthService } from './auth.service';
import { atLeast, type Principal, type Role } from './roles';

const PUBLIC = 'lab:public';
const ROLE = 'lab:role';

/** A route anyone may call (health, login). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC, true);
/** The least role a route needs (default: viewer, i.e. any signed-in user). */
export const Requires = (role: Role): MethodDecorator & ClassDecorator => SetMetadata(ROLE, role);

export type AuthedRequest = Request & { principal?: Principal };

/** Every HTTP route needs a valid session token unless marked @Public(); @Requires() adds a role check. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(AuthService) private readonly auth: AuthService,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true; // the websocket gateway checks its own messages
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthedRequest>();
    const header = request.headers.authorization;
    const principal = this.auth.verify(header?.startsWith('Bearer ') ? header.slice(7) : undefined);
    if (!principal) throw new UnauthorizedException('sign in first (Authorization: Bearer <token>)');
    const needed = this.reflector.getAllAndOverride<Role>(ROLE, targets) ?? 'viewer';
    if (!atLeast(principal.role, needed)) throw new ForbiddenException(`${principal.role} may not do this; it needs ${needed}`);
    request.principal = principal;
    return true;
  }
}
