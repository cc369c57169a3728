// The users module's error catalogue: what an administrator's change to accounts may be refused with.
import { AppError } from '../errors.ts';

export const userErrors = {
  /** `what`: the change refused, as a verb ("demote or disable", "delete"). */
  cannotChangeSelf: (what: string) => new AppError(400, 'cannot_change_self', `You cannot ${what} your own account.`),
  lastAdmin: () =>
    new AppError(
      409,
      'last_admin',
      'This change would leave WeBox without an active administrator: promote or enable another admin first.',
    ),
  emailTaken: () => new AppError(409, 'email_taken', 'An account with this email already exists.'),
};
