// The alerts module's error catalogue. No code of its own: a refused webhook URL is the caller's
// malformed request (400 invalid_request, the message says which rule), an unknown webhook is 404.
import { AppError } from '../errors.ts';

export const alertErrors = {
  invalidWebhookUrl: (reason: string) =>
    new AppError(400, 'invalid_request', `The webhook URL is refused: ${reason}.`, { details: { param: 'url' } }),
  invalidCursor: () =>
    new AppError(400, 'invalid_request', 'The cursor does not read: pass back the nextCursor of an answer.', {
      details: { param: 'cursor' },
    }),
  webhookNotFound: () => new AppError(404, 'not_found', 'The webhook was not found.'),
  emailNotConfigured: () =>
    new AppError(
      400,
      'email_not_configured',
      'E-mail is not configured (WEBOX_SMTP_URL): no alert e-mail can be sent.',
    ),
};
