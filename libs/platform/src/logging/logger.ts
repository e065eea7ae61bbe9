import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RequestMethod } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { loadConfig } from '../config/load-config';
import { PlatformEnv } from '../config/platform-env';

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
        redact: ['req.headers.authorization', 'req.headers.cookie'],
        // Probes and scrapes every few seconds would drown the useful lines.
        autoLogging: {
          ignore: (request: IncomingMessage) => /^\/(health|metrics)/.test(request.url ?? ''),
        },
      },
    }),
  });
}
