import {
  CanActivate,
  createParamDecorator,
  ExecutionContext,
  HttpStatus,
  Injectable,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { ProblemException } from '../http/problem';
import { IS_PUBLIC } from './public.decorator';
import { Caller, REQUIRED_ROLES, Role } from './roles';
import { TokenVerifier } from './token-verifier';

type AuthenticatedRequest = Request & { caller?: Caller };

/** Every route needs a valid bearer token unless marked @Public(); @Roles() narrows it further. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly verifier: TokenVerifier,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const caller = await this.verifier.verify(bearerToken(request));
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
}

function bearerToken(request: Request): string {
  const [scheme, token, ...rest] = (request.headers.authorization ?? '').trim().split(/\s+/);
  if (scheme?.toLowerCase() !== 'bearer' || !token || rest.length > 0) {
    throw new ProblemException(
      HttpStatus.UNAUTHORIZED,
      'A bearer token is required (Authorization: Bearer <token>)',
    );
  }
  return token;
}

/** The authenticated caller of the current request. */
export const CurrentCaller = createParamDecorator(
  (_: unknown, context: ExecutionContext): Caller | undefined =>
    context.switchToHttp().getRequest<AuthenticatedRequest>().caller,
);
