// The audit module's error catalogue: the journal's cursor and ranges. Existing codes fit every
// refusal (invalid_request, with `param`), so the module adds none.
import { AppError } from '../errors.ts';

export const auditErrors = {
  /** A cursor this API did not give: altered, made up, or from another listing. */
  invalidCursor: () =>
    new AppError(400, 'invalid_request', 'cursor is not one this API gave: start again from the first page.', {
      details: { param: 'cursor' },
    }),
  reversedRange: () =>
    new AppError(400, 'invalid_request', 'from must not be after to.', { details: { param: 'from' } }),
};
