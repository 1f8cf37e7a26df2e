import { type ValidationError, validate } from 'class-validator';
import type { ValidatorFn } from 'type-graphql';
import { badInput } from './errors.js';

function firstProblem(errors: ValidationError[], path: string): { path: string; message: string } | null {
  for (const error of errors) {
    const here = path ? `${path}.${error.property}` : error.property;
    const message = Object.values(error.constraints ?? {})[0];
    if (message) return { path: here, message: message.replace(new RegExp(`^${error.property} `), '') };
    const nested = firstProblem(error.children ?? [], here);
    if (nested) return nested;
  }
  return null;
}

/**
 * Runs the class-validator rules on input objects and reports the first failure as
 * BAD_USER_INPUT with its path (e.g. `input.name: must be shorter than or equal to 200
 * characters`), rather than type-graphql's generic "Argument Validation Error".
 */
export const validateInput: ValidatorFn = async (value, type, { args }) => {
  if (value === null || typeof value !== 'object') return;
  const items = Array.isArray(value) ? value : [value];
  for (const [index, item] of items.entries()) {
    if (item === null || typeof item !== 'object') continue;
    const errors = await validate(item as object, { forbidUnknownValues: false, validationError: { target: false } });
    const problem = firstProblem(errors, Array.isArray(value) ? `[${index}]` : '');
    if (problem) {
      // Name the argument when it is the only object argument, else the input type.
      const objectArgs = Object.entries(args).filter(([, v]) => v !== null && typeof v === 'object');
      const name = objectArgs.length === 1 ? objectArgs[0]![0] : typeof type === 'function' ? type.name : 'input';
      throw badInput(`${name}${problem.path.startsWith('[') ? '' : '.'}${problem.path}`, problem.message);
    }
  }
};
