import { identifierProblem, ValidationFailedError } from '../../../../libs/domain/src/index.js';

/** Ids in URL paths (outlet, rental, trace codes) follow the same rule as in bodies; anything else is a 400. */
export function assertIdentifierParam(path: string, value: string, max = 64): void {
  const problem = identifierProblem(value, max);
  if (problem) throw ValidationFailedError.field(path, problem);
}
