/** A problem with one field or rule of a request; `path` names the field (or the rule id). */
export interface FieldProblem {
  readonly path: string;
  readonly message: string;
}

export type ErrorCode =
  | 'VALIDATION_FAILED'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'PRECONDITION_FAILED'
  | 'EXPLANATION_REQUIRED'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'RULE_VIOLATION';

/** The one error hierarchy of Fuju Ledger: each error carries a stable machine code from API.md. */
export class FujuError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly errors: readonly FieldProblem[] = [],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationFailedError extends FujuError {
  constructor(errors: readonly FieldProblem[], message = errors.map((e) => `${e.path}: ${e.message}`).join('; ')) {
    super('VALIDATION_FAILED', message, errors);
  }

  static field(path: string, message: string): ValidationFailedError {
    return new ValidationFailedError([{ path, message }]);
  }
}

export class UnauthenticatedError extends FujuError {
  constructor(message = 'a valid bearer token is required') {
    super('UNAUTHENTICATED', message);
  }
}

export class ForbiddenError extends FujuError {
  constructor(message: string) {
    super('FORBIDDEN', message);
  }
}

export class NotFoundError extends FujuError {
  constructor(message: string) {
    super('NOT_FOUND', message);
  }
}

export class ConflictError extends FujuError {
  constructor(message: string) {
    super('CONFLICT', message);
  }
}

export class PreconditionFailedError extends FujuError {
  constructor(message: string) {
    super('PRECONDITION_FAILED', message);
  }
}

export class ExplanationRequiredError extends FujuError {
  constructor(errors: readonly FieldProblem[]) {
    super('EXPLANATION_REQUIRED', 'the filing triggers soft edit rules that need a written explanation', errors);
  }
}

export class IdempotencyKeyReusedError extends FujuError {
  constructor() {
    super('IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was already used with a different request');
  }
}

export class RuleViolationError extends FujuError {
  constructor(message: string, errors: readonly FieldProblem[] = []) {
    super('RULE_VIOLATION', message, errors);
  }
}
