// What a unit's refusal was: the AppError a promise rejects with, or a failure saying what came instead.
import { AppError } from '../../src/server/errors.ts';

export async function refusalOf(promise: Promise<unknown>): Promise<AppError> {
  const outcome = await promise.then(
    (value: unknown) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if ('error' in outcome && outcome.error instanceof AppError) return outcome.error;
  throw new Error(
    'error' in outcome
      ? `expected an AppError, got ${String(outcome.error)}`
      : `expected an AppError, but it resolved to ${JSON.stringify(outcome.value)}`,
  );
}
