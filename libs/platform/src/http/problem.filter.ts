import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  Logger,
  Optional,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { DataSource } from 'typeorm';
import { isTransientDatabaseError } from '../database/transient-errors';
import { uniqueViolationProblem } from '../database/unique-violation';
import { DomainError } from '../use-cases/domain-errors';
import { problemOfDomainError } from './domain-error-problem';
import { problem, PROBLEM_CONTENT_TYPE, ProblemDetails } from './problem';
import { redactLinkTokens } from '../links/signed-links';

/**
 * Turns every error into application/problem+json. Client errors and the use cases' domain errors
 * keep their message; a unique
 * violation (a duplicate that raced past the use case's check) is the same 409 naming the field;
 * a database that cannot work right now (connection lost, restarting) is a 503 to retry; anything
 * unexpected is logged with its stack and answered as a bare 500.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger(ProblemFilter.name);

  constructor(@Optional() private readonly dataSource?: DataSource) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const databaseDown =
      !(exception instanceof HttpException) && isTransientDatabaseError(exception);
    const problemDetails = databaseDown
      ? problem(503, 'The database is unavailable for a moment; retry shortly.')
      : this.toProblem(exception);
    // The URL is echoed back, and clients report it: no link secret in it.
    const body = { ...problemDetails, instance: redactLinkTokens(request.originalUrl) };
    if (databaseDown) this.logger.warn(`Database unavailable: ${String(exception)}`);
    // The error itself, not its stack text: the logger's error serializer drops what may hold
    // personal data (a driver's detail, query parameters, a body).
    else if (body.status >= 500) this.logger.error(exception);
    if (response.headersSent) return;
    if (databaseDown) response.setHeader('Retry-After', '1');
    response.status(body.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(body));
  }

  private toProblem(exception: unknown): ProblemDetails {
    if (exception instanceof HttpException) return fromHttpException(exception);
    if (exception instanceof DomainError) return problemOfDomainError(exception);
    const duplicate = uniqueViolationProblem(exception, this.dataSource?.entityMetadatas ?? []);
    if (duplicate) return duplicate;
    const status = httpStatusOf(exception);
    // Errors raised by Express middleware (body parser: bad JSON, body too large) carry a 4xx.
    if (status !== undefined && status < 500) return problem(status, (exception as Error).message);
    return problem(500, 'An unexpected error occurred; it has been logged.');
  }
}

function fromHttpException(exception: HttpException): ProblemDetails {
  const status = exception.getStatus();
  const response = exception.getResponse();
  if (typeof response === 'string') return problem(status, response);
  // Nest's own shape is { statusCode, message, error }; ours is { detail, ...extensions }.
  const {
    statusCode: _code,
    error: _error,
    message,
    detail,
    ...extensions
  } = response as Record<string, unknown>;
  const text =
    detail ?? (Array.isArray(message) ? message.join('; ') : message) ?? exception.message;
  return problem(status, String(text), extensions);
}

function httpStatusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const status =
    (error as { status?: unknown; statusCode?: unknown }).status ??
    (error as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : undefined;
}
