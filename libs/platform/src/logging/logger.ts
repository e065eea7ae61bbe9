import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RequestMethod } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { loadConfig } from '../config/load-config';
import { PlatformEnv } from '../config/platform-env';
import {
  maskEmails,
  REDACTED,
  redactFields,
  redactParams,
  redactQuery,
  redactUrl,
} from './personal-data';

const REQUEST_ID_HEADER = 'x-request-id';

/** W3C traceparent: version-traceid-parentid-flags; the trace id joins logs across services. */
function traceIdOf(request: IncomingMessage): string | undefined {
  const header = request.headers.traceparent;
  const match =
    typeof header === 'string'
      ? /^[\da-f]{2}-([\da-f]{32})-[\da-f]{16}-[\da-f]{2}$/.exec(header)
      : null;
  return match?.[1];
}

/** JSON logs (pino); every line logged during a request carries its request id and trace id. */
export function loggerModule(service: string) {
  return LoggerModule.forRootAsync({
    useFactory: () => ({
      // Express 5 route syntax; nestjs-pino's default ('*') triggers a deprecation warning.
      forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
      pinoHttp: {
        level: loadConfig(PlatformEnv).LOG_LEVEL,
        base: { service },
        genReqId: (request: IncomingMessage, response: ServerResponse) => {
          const given = request.headers[REQUEST_ID_HEADER];
          // Kept only if short and visible ASCII: it becomes the correlation id of the events the
          // request publishes, which consumers refuse with control characters (a tab is legal in HTTP).
          const id =
            typeof given === 'string' && /^[\x21-\x7e]{1,128}$/.test(given) ? given : randomUUID();
          response.setHeader(REQUEST_ID_HEADER, id);
          return id;
        },
        customProps: (request: IncomingMessage) => ({ traceId: traceIdOf(request) }),
        // No personal data or credential in a log line (libs/platform/src/logging/personal-data.ts).
        redact: {
          paths: [
            'req.headers.authorization',
            'req.headers["proxy-authorization"]',
            'req.headers.cookie',
            'res.headers["set-cookie"]',
          ],
          censor: REDACTED,
        },
        serializers: { req: requestForLog, err: errorForLog },
        formatters: { log: logObjectForLog },
        hooks: { logMethod: maskEmailsInMessages },
        // Probes and scrapes every few seconds would drown the useful lines.
        autoLogging: {
          ignore: (request: IncomingMessage) => /^\/(health|metrics)/.test(request.url ?? ''),
        },
      },
    }),
  });
}

/** pino-http's request (method, url, query, params, headers...): its URL and fields redacted. */
function requestForLog(request: Record<string, unknown>): Record<string, unknown> {
  const headers = request.headers as Record<string, unknown> | undefined;
  const referer = headers?.referer;
  return {
    ...request,
    url: typeof request.url === 'string' ? redactUrl(request.url) : request.url,
    query: redactQuery(request.query),
    params: redactParams(request.params),
    // The page the caller came from may carry a query or a link token of its own.
    headers:
      typeof referer === 'string' ? { ...headers, referer: redactUrl(referer) } : request.headers,
  };
}

/**
 * An error as pino serialized it, without what may quote personal data: body-parser's `body`, a
 * query's `parameters`, PostgreSQL's `detail` ("Key (email)=(...) already exists") and the
 * literals its messages quote ("invalid input syntax for type uuid: \"...\"").
 */
function errorForLog(error: Record<string, unknown>): unknown {
  if (typeof error !== 'object' || error === null) return error;
  const { body: _body, parameters: _parameters, detail: _detail, driverError, ...rest } = error;
  const fromDatabase = driverError !== undefined || typeof rest.severity === 'string';
  const unquoted = (text: unknown) =>
    fromDatabase && typeof text === 'string' ? text.replace(/"[^"\n]*"/g, `"${REDACTED}"`) : text;
  return {
    ...(redactFields(rest) as Record<string, unknown>),
    message: unquoted(rest.message),
    stack: unquoted(rest.stack),
  };
}

/** What else a line carries (an object given to the logger): redacted field by field. */
function logObjectForLog(object: Record<string, unknown>): Record<string, unknown> {
  const { req, res, err, ...rest } = object;
  return { ...(redactFields(rest) as Record<string, unknown>), req, res, err };
}

/** A safety net for free text (an error message quoting its input): e-mail addresses masked. */
function maskEmailsInMessages(
  this: unknown,
  args: unknown[],
  method: (...args: unknown[]) => void,
): void {
  method.apply(
    this,
    args.map((arg) => (typeof arg === 'string' ? maskEmails(arg) : arg)),
  );
}
