import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import helmet from 'helmet';
import { HttpEnv } from './http-env';
import { problem, ProblemDetails, ProblemException } from './problem';

/**
 * The front door every service shares: the client's address behind the ingress, security
 * headers, bounded bodies, and CORS only for the origins configured.
 */
export function secureHttp(app: INestApplication, env: HttpEnv): void {
  const express = app as NestExpressApplication;
  express.disable('x-powered-by');
  // req.ip (the audit log's "from where") is the address the nearest trusted proxy saw.
  express.set('trust proxy', env.TRUST_PROXY);
  express.use(helmet(HELMET_OPTIONS));
  express.useBodyParser('json', { limit: env.HTTP_BODY_LIMIT });
  express.useBodyParser('urlencoded', { limit: env.HTTP_BODY_LIMIT, extended: true });
  // Nest would turn a JSON error into a 400 quoting the body: described here, by its type.
  express.use(
    (error: unknown, _request: unknown, _response: unknown, next: (e: unknown) => void) => {
      const parserProblem = bodyParserProblem(error);
      next(
        parserProblem ? new ProblemException(parserProblem.status, parserProblem.detail) : error,
      );
    },
  );
  if (env.corsOrigins.length > 0)
    express.enableCors({ origin: env.corsOrigins, exposedHeaders: ['x-request-id'], maxAge: 600 });
}

/**
 * Helmet's defaults, with a policy the /docs page (Swagger UI) works under: its scripts are
 * files of this origin, but its page has inline <style> blocks and style attributes. TLS ends at
 * the ingress, so no upgrade-insecure-requests (it would break the page over plain http locally).
 */
const HELMET_OPTIONS: Parameters<typeof helmet>[0] = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      'default-src': ["'self'"],
      'script-src': ["'self'"],
      'script-src-attr': ["'none'"],
      'style-src': ["'self'", "'unsafe-inline'"],
      'img-src': ["'self'", 'data:'],
      'font-src': ["'self'", 'data:'],
      'connect-src': ["'self'"],
      'object-src': ["'none'"],
      'base-uri': ["'self'"],
      'form-action': ["'self'"],
      'frame-ancestors': ["'none'"],
    },
  },
};

/** body-parser's errors (raised before any route, so Nest's exceptions do not describe them). */
const BODY_PARSER_PROBLEMS: Record<string, (error: { limit?: number }) => ProblemDetails> = {
  'entity.too.large': ({ limit }) =>
    problem(413, `The request body is larger than the limit of ${limit} bytes`),
  // Node's JSON.parse message quotes the body: never echoed, so never logged either.
  'entity.parse.failed': () => problem(400, 'The request body is not valid JSON'),
  'encoding.unsupported': () => problem(415, 'The request body has an unsupported encoding'),
  'charset.unsupported': () => problem(415, 'The request body has an unsupported charset'),
  'request.aborted': () => problem(400, 'The request was aborted while its body was read'),
  'request.size.invalid': () => problem(400, 'The request body does not match its Content-Length'),
  'parameters.too.many': () => problem(413, 'The request body has too many parameters'),
};

/** The problem for an error body-parser raised, or undefined for any other error. */
export function bodyParserProblem(error: unknown): ProblemDetails | undefined {
  const type = (error as { type?: unknown } | null)?.type;
  return typeof type === 'string' && Object.hasOwn(BODY_PARSER_PROBLEMS, type)
    ? BODY_PARSER_PROBLEMS[type](error as { limit?: number })
    : undefined;
}
