import { HttpException, HttpStatus } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';

/** One invalid input field, as listed in a problem's `errors`. */
export interface FieldError {
  field: string;
  messages: string[];
}

/** RFC 9457 problem details; extension members (e.g. `errors`) sit beside the standard ones. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** An HttpException that carries its own problem details. */
export class ProblemException extends HttpException {
  constructor(status: HttpStatus, detail: string, extensions: Record<string, unknown> = {}) {
    super({ detail, ...extensions }, status);
  }
}

export function problem(
  status: number,
  detail: string,
  extensions: Record<string, unknown> = {},
): ProblemDetails {
  return {
    type: 'about:blank',
    title: STATUS_CODES[status] ?? 'Error',
    status,
    detail,
    ...extensions,
  };
}
