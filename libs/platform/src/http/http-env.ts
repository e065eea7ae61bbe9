import { IsIn, IsInt, IsOptional, IsString, Matches, Min } from 'class-validator';
import { IsEnvBoolean } from '../config/load-config';

export const METRICS_ACCESS = ['public', 'admin'] as const;

/** What every service's HTTP front door reads; defaults suit a developer's machine. */
export class HttpEnv {
  /** Largest JSON or form body accepted (body-parser units: 100kb, 1mb); larger is a 413. */
  @IsString()
  @Matches(/^\d+(b|kb|mb)$/i, { message: 'HTTP_BODY_LIMIT must look like 100kb or 1mb' })
  HTTP_BODY_LIMIT = '100kb';

  /** Comma-separated exact origins allowed by CORS (https://console.example.fr); unset: CORS off. */
  @IsOptional()
  @IsString()
  @Matches(/^https?:\/\/[^\s,/]+(,\s*https?:\/\/[^\s,/]+)*$/, {
    message:
      'CORS_ORIGINS must be a comma-separated list of origins such as https://app.example.fr',
  })
  CORS_ORIGINS?: string;

  /** Proxies in front of the service (ingress: 1), so that req.ip is the client's address. */
  @IsInt()
  @Min(0)
  TRUST_PROXY: number = 0;

  /** `admin`: /metrics needs an admin or service bearer token. */
  @IsIn(METRICS_ACCESS)
  METRICS_ACCESS: (typeof METRICS_ACCESS)[number] = 'public';

  /** The OpenAPI page at /docs and its JSON at /docs-json. */
  @IsEnvBoolean()
  DOCS_ENABLED = true;

  get corsOrigins(): string[] {
    return (this.CORS_ORIGINS ?? '')
      .split(',')
      .map((origin) => origin.trim())
      .filter(Boolean);
  }
}
