import {
  CanActivate,
  createParamDecorator,
  ExecutionContext,
  HttpStatus,
  Injectable,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import type { Request } from 'express';
import { ProblemException } from '../http/problem';
import { IS_PUBLIC } from './public.decorator';
import { Caller, REQUIRED_ROLES, Role, ROLES, TremplinClaims } from './roles';

type AuthenticatedRequest = Request & { caller?: Caller };

/** Every route needs a valid bearer token unless marked @Public(); @Roles() narrows it further. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly jwt: JwtService,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const caller = await this.authenticate(request);
    request.caller = caller;

    const required = this.reflector.getAllAndOverride<Role[]>(REQUIRED_ROLES, targets) ?? [];
    if (required.length > 0 && !required.some((role) => caller.roles.includes(role))) {
      throw new ProblemException(
        HttpStatus.FORBIDDEN,
        `This operation needs one of the roles: ${required.join(', ')}`,
      );
    }
    return true;
  }

  private async authenticate(request: Request): Promise<Caller> {
    const [scheme, token] = (request.headers.authorization ?? '').split(' ');
    if (scheme !== 'Bearer' || !token) {
      throw new ProblemException(HttpStatus.UNAUTHORIZED, 'A bearer token is required');
    }
    let claims: TremplinClaims;
    try {
      claims = await this.jwt.verifyAsync<TremplinClaims>(token);
    } catch (error) {
      throw new ProblemException(
        HttpStatus.UNAUTHORIZED,
        `Invalid token: ${(error as Error).message}`,
      );
    }
    const roles = Array.isArray(claims.roles) ? claims.roles.filter(isRole) : [];
    return {
      subject: claims.sub,
      roles,
      academy: claims.academy,
      schools: claims.schools ?? [],
      companies: claims.company ? [claims.company] : [],
      students: claims.student ? [claims.student] : [],
    };
  }
}

function isRole(value: unknown): value is Role {
  return (ROLES as readonly unknown[]).includes(value);
}

/** The authenticated caller of the current request. */
export const CurrentCaller = createParamDecorator(
  (_: unknown, context: ExecutionContext): Caller | undefined =>
    context.switchToHttp().getRequest<AuthenticatedRequest>().caller,
);
