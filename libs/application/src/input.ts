import { ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import { ValidationFailedError, type FieldProblem } from '../../domain/src/index.js';

function flatten(errors: ValidationError[], parent = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const path = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({
      path,
      message: message.startsWith(`property ${error.property} should not exist`) ? 'is not a known field' : message.replace(new RegExp(`^${error.property} `), ''),
    }));
    return [...own, ...flatten(error.children ?? [], path)];
  });
}

/** Own keys that shadow Object.prototype members ("valueOf", "constructor", "__proto__", …) or are "prototype", anywhere in a value. */
function prototypeKeys(value: unknown, parent = ''): FieldProblem[] {
  if (typeof value !== 'object' || value === null) return [];
  return Object.keys(value).flatMap((key) => {
    const path = parent ? `${parent}.${key}` : key;
    const own = key in Object.prototype || key === 'prototype' ? [{ path, message: 'is not a known field' }] : [];
    return [...own, ...prototypeKeys((value as Record<string, unknown>)[key], path)];
  });
}

/**
 * class-validator on every input class: unknown fields are rejected, each bad field is named.
 * class-validator's whitelist does not see keys named like Object.prototype members (found by
 * the input property tests: `{"valueOf": {}}` passed as if absent), so those are refused first.
 */
class StrictValidationPipe extends ValidationPipe {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the pipe's own signature
  override async transform(value: any, metadata: ArgumentMetadata): Promise<any> {
    const problems = metadata.type === 'body' || metadata.type === 'query' ? prototypeKeys(value) : [];
    let result: unknown;
    try {
      result = await super.transform(value, metadata);
    } catch (error) {
      if (error instanceof ValidationFailedError && problems.length) throw new ValidationFailedError([...error.errors, ...problems]);
      throw error;
    }
    if (problems.length) throw new ValidationFailedError(problems);
    return result;
  }
}

/** The pipe the api applies to every body and query, and the CLI to every import line. */
export const validationPipe = new StrictValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
  validationError: { target: false, value: false },
  exceptionFactory: (errors) => new ValidationFailedError(flatten(errors)),
});

/** Raw input (a JSON body, an import line) as an instance of its input class, or a ValidationFailedError naming each bad field. */
export async function parseInput<T extends object>(type: new () => T, raw: unknown): Promise<T> {
  return validationPipe.transform(raw, { type: 'body', metatype: type });
}
