import {
  AlreadyRegistered,
  DomainError,
  InvalidTransition,
  NotAllowed,
  NotFound,
  NotInScope,
  RuleViolated,
} from '../use-cases/domain-errors';
import { problem, ProblemDetails } from './problem';

/** The HTTP status of each domain error: the one place where use cases meet HTTP. */
const STATUS_OF: [new (...args: never[]) => DomainError, number][] = [
  [AlreadyRegistered, 409],
  [InvalidTransition, 409],
  [NotFound, 404],
  [NotInScope, 404],
  [NotAllowed, 403],
  [RuleViolated, 422],
];

/** A domain error as problem+json; its field, if any, listed in `errors`. */
export function problemOfDomainError(error: DomainError): ProblemDetails {
  const status = STATUS_OF.find(([type]) => error instanceof type)?.[1] ?? 422;
  const errors =
    error.field === undefined
      ? {}
      : { errors: [{ field: error.field, messages: [fieldMessage(error)] }] };
  return problem(status, error.message, errors);
}

function fieldMessage(error: DomainError): string {
  return error instanceof AlreadyRegistered ? 'already registered' : error.message;
}
