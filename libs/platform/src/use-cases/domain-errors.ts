/**
 * What a use case refuses, in the domain's words. Use cases throw these, never HTTP exceptions:
 * the kit's problem filter turns each into problem+json (see problemOfDomainError), and an event
 * handler that meets one lets the consumer retry or dead-letter the event.
 */
export abstract class DomainError extends Error {
  /** The input field the error is about, if any (listed in the problem's `errors`). */
  readonly field?: string;

  protected constructor(message: string, field?: string) {
    super(message);
    this.name = new.target.name;
    this.field = field;
  }
}

/** Something with this natural key (UAI, SIRET, INE, reference…) exists already. */
export class AlreadyRegistered extends DomainError {
  constructor(what: string, field: string, value: string) {
    super(`A ${what} with ${field} ${value} is already registered`, field);
  }
}

/** Nothing with this id exists. */
export class NotFound extends DomainError {
  constructor(what: string, id: string) {
    super(`No ${what} with id ${id}`);
  }
}

/**
 * It exists but lies outside the caller's scope. Told apart in logs and audit, answered like
 * NotFound, so that nobody learns what exists outside their scope.
 */
export class NotInScope extends DomainError {
  constructor(what: string, id: string) {
    super(`No ${what} with id ${id}`);
  }
}

/** The caller is known and in scope but may not do this (e.g. a teacher signing an agreement). */
export class NotAllowed extends DomainError {
  constructor(reason: string) {
    super(reason);
  }
}

/** The aggregate is not in a state that allows this step (e.g. accepting an expired proposal). */
export class InvalidTransition extends DomainError {
  constructor(what: string, from: string, step: string) {
    super(`A ${what} that is ${from} cannot be ${step}`);
  }
}

/** A rule of the domain that the input breaks, beyond its shape (which the DTO checks). */
export class RuleViolated extends DomainError {
  constructor(field: string, message: string) {
    super(message, field);
  }
}
