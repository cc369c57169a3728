// The invitations module's error catalogue.
import type { ClassListError } from '../../shared/invitations.ts';
import { AppError } from '../errors.ts';

export const invitationErrors = {
  /** One answer for an unknown, expired, revoked or used link: a link reveals nothing. */
  invalid: () =>
    new AppError(404, 'invitation_invalid', 'This invitation is unknown, expired, revoked or already used.'),
  classList: (errors: ClassListError[]) =>
    new AppError(400, 'invalid_class_list', `The class list has ${errors.length} error(s); nothing was imported.`, {
      details: { errors },
    }),
  emailNotConfigured: () =>
    new AppError(
      400,
      'email_not_configured',
      'E-mail is not configured (WEBOX_SMTP_URL): leave sendEmail out to get the links.',
    ),
};
