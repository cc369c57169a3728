// Single sign-on and two-factor refusals in WeBox's shape (outside /api/auth/*).
import { AppError } from '../errors.ts';

export const ssoErrors = {
  twoFactorRequired: () =>
    new AppError(
      403,
      'two_factor_required',
      'Two-factor authentication is required for administrators: set it up in your profile first.',
    ),
  /** The admin's settings would leave single sign-on half configured. */
  incomplete: (missing: string) =>
    new AppError(
      400,
      'invalid_request',
      `Single sign-on needs an issuer, a client id and a client secret: ${missing} is missing.`,
    ),
};
