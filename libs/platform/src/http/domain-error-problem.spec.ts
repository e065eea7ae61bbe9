import {
  AlreadyRegistered,
  InvalidTransition,
  NotAllowed,
  NotFound,
  NotInScope,
  RuleViolated,
} from '../use-cases/domain-errors';
import { problemOfDomainError } from './domain-error-problem';

describe('problemOfDomainError', () => {
  it.each([
    [new AlreadyRegistered('school', 'uai', '0381758E'), 409],
    [new InvalidTransition('proposal', 'expired', 'accepted'), 409],
    [new NotFound('school', 'x'), 404],
    [new NotInScope('student', 'x'), 404],
    [new NotAllowed('Only an office manager signs an agreement'), 403],
    [new RuleViolated('seats', 'An offer has at least one seat'), 422],
  ])('answers %s with %i', (error, status) => {
    expect(problemOfDomainError(error)).toMatchObject({ status, detail: error.message });
  });

  it('names the field of an error about one', () => {
    expect(problemOfDomainError(new AlreadyRegistered('school', 'uai', '0381758E'))).toMatchObject({
      errors: [{ field: 'uai', messages: ['already registered'] }],
    });
    expect(problemOfDomainError(new RuleViolated('seats', 'at least one seat'))).toMatchObject({
      errors: [{ field: 'seats', messages: ['at least one seat'] }],
    });
  });

  it('answers out of scope exactly as not found, so nothing leaks about what exists', () => {
    const outOfScope = problemOfDomainError(new NotInScope('student', 'a1'));
    const missing = problemOfDomainError(new NotFound('student', 'a1'));
    expect(outOfScope).toEqual(missing);
  });
});
