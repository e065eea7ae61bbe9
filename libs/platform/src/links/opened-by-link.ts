import {
  applyDecorators,
  ArgumentsHost,
  CanActivate,
  Catch,
  createParamDecorator,
  ExceptionFilter,
  ExecutionContext,
  Injectable,
  SetMetadata,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { DataSource } from 'typeorm';
import { Public } from '../auth/public.decorator';
import { problem, PROBLEM_CONTENT_TYPE, ProblemDetails } from '../http/problem';
import {
  LINK_PURPOSE_FORMAT,
  LinkCaller,
  LinkRefusal,
  LinkRefused,
  redactLinkTokens,
  SignedLinks,
} from './signed-links';

/** Metadata of a route opened by a signed link instead of a bearer token: the link's purpose. */
export const LINK_PURPOSE = 'tremplin:link-purpose';
/** Where such a route takes the token: the `:token` path parameter, or `?token=`. */
export const LINK_TOKEN_PARAM = 'token';

type LinkRequest = Request & { caller?: LinkCaller };

/**
 * Opens a route to the holder of a link of this purpose: no bearer token is asked, the link is
 * checked (not used up) before the handler, whose caller is then the LinkCaller. The use case
 * consumes the link in its transaction: `signedLinks.consume(manager, token, purpose)`.
 *
 *   @OpenedByLink('answer-proposal') @Post('proposal-answers/:token')
 */
export function OpenedByLink(purpose: string) {
  if (!LINK_PURPOSE_FORMAT.test(purpose))
    throw new Error(
      `A link purpose is kebab-case, e.g. answer-proposal (got ${JSON.stringify(purpose)})`,
    );
  return applyDecorators(
    SetMetadata(LINK_PURPOSE, purpose),
    // The link is the credential: the bearer guard and the per-caller rate limit stand aside.
    Public(),
    UseGuards(LinkGuard),
    UseFilters(LinkRefusedFilter),
  );
}

/** The token of the link that opened the route. */
export const LinkToken = createParamDecorator((_: unknown, context: ExecutionContext): string =>
  tokenOf(context.switchToHttp().getRequest()),
);

function tokenOf(request: Request): string {
  const token = request.params?.[LINK_TOKEN_PARAM] ?? request.query?.[LINK_TOKEN_PARAM];
  return typeof token === 'string' ? token : '';
}

/** Checks the link of a route decorated with @OpenedByLink and makes it the request's caller. */
@Injectable()
export class LinkGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly links: SignedLinks,
    private readonly dataSource: DataSource,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const purpose = this.reflector.getAllAndOverride<string>(LINK_PURPOSE, [
      context.getHandler(),
      context.getClass(),
    ]);
    const request = context.switchToHttp().getRequest<LinkRequest>();
    // The work context (audit origin) is then set around the handler for this caller.
    request.caller = await this.links.verify(this.dataSource.manager, tokenOf(request), purpose);
    return true;
  }
}

/** RFC 9457 `type` of each refusal, so that a client can tell them apart without parsing `detail`. */
const PROBLEMS: Record<LinkRefusal, { status: number; title: string }> = {
  // 404, not 401: a link is the address of one action, not a credential to retry with another;
  // a forged secret and an unknown id answer the same, so that ids cannot be probed.
  unknown: { status: 404, title: 'Unknown link' },
  'wrong-purpose': { status: 403, title: 'Link not for this action' },
  used: { status: 410, title: 'Link already used' },
  expired: { status: 410, title: 'Link expired' },
  revoked: { status: 410, title: 'Link revoked' },
};

export function problemOfLinkRefused(error: LinkRefused): ProblemDetails {
  const { status, title } = PROBLEMS[error.reason];
  return problem(status, error.message, {
    type: `urn:tremplin:problem:link-${error.reason}`,
    title,
  });
}

/**
 * Answers LinkRefused on link-opened routes (the kit's problem filter handles everything else):
 * the domain-error table knows no 410, and the instance must not echo the token.
 */
@Catch(LinkRefused)
export class LinkRefusedFilter implements ExceptionFilter {
  catch(error: LinkRefused, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const body = {
      ...problemOfLinkRefused(error),
      instance: redactLinkTokens(http.getRequest<Request>().originalUrl),
    };
    http
      .getResponse<Response>()
      .status(body.status)
      .type(PROBLEM_CONTENT_TYPE)
      .send(JSON.stringify(body));
  }
}
