// Invitations, password resets and the sign-up settings (docs/accounts-api.md): the request bodies
// and answers, shared by the server's routes and the web app.
import { z } from 'zod';
import { singleLineText } from './text.ts';

export const mailLocale = z.enum(['fr', 'en']);

export const emailAddress = z
  .string()
  .trim()
  .max(320, 'must be at most 320 characters')
  .pipe(z.email('must be an e-mail address'))
  .transform((value) => value.toLowerCase());

/** An invitation's or a reset's token: base64url of 32 random bytes. */
export const secretToken = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'is not a token WeBox made');

export const createInvitationsBody = z
  .object({
    email: emailAddress.optional(),
    emails: z.array(emailAddress).min(1).max(1000).optional(),
    role: z.enum(['admin', 'user']).optional(),
    groupId: z.uuid().nullable().optional(),
    expiresInDays: z.number().int().min(1).max(90).optional(),
    /** Default: true when e-mail is configured. */
    sendEmail: z.boolean().optional(),
    /** The e-mail's language; default: the admin's request's Accept-Language. */
    locale: mailLocale.optional(),
  })
  .refine((body) => (body.email === undefined) !== (body.emails === undefined), 'give email or emails, not both');

export const invitationView = z.object({
  id: z.string(),
  email: z.string(),
  role: z.enum(['admin', 'user']),
  groupId: z.string().nullable(),
  locale: mailLocale,
  status: z.enum(['pending', 'accepted', 'expired', 'revoked']),
  expiresAt: z.string(),
  createdAt: z.string(),
  acceptedAt: z.string().nullable(),
  emailSentAt: z.string().nullable(),
});

/** An invitation just made: its link is given once, here, when no e-mail carried it. */
export const createdInvitation = invitationView.extend({
  url: z.string().nullable(),
  emailed: z.boolean(),
});

export const createdInvitations = z.object({ invitations: z.array(createdInvitation) });
export const invitationList = z.object({ invitations: z.array(invitationView) });

export const invitationTokenParams = z.object({ token: z.string().max(200) });
export const publicInvitation = z.object({
  email: z.string(),
  name: z.string().nullable(),
  expiresAt: z.string(),
  locale: mailLocale,
});

export const acceptInvitationBody = z.object({
  name: singleLineText({ trim: true, min: 1, max: 200 }),
  password: z.string().min(8, 'password must be at least 8 characters').max(256),
});
export const acceptedInvitation = z.object({
  user: z.object({ id: z.string(), email: z.string(), name: z.string(), role: z.enum(['admin', 'user']) }),
});

export const classListImportBody = z.object({
  /** The CSV file's text (UTF-8, with or without BOM; `;` or `,`). */
  csv: z.string().min(1).max(1_000_000),
  role: z.enum(['admin', 'user']).optional(),
  /** The group of rows that name none. */
  groupId: z.uuid().nullable().optional(),
  expiresInDays: z.number().int().min(1).max(90).optional(),
  sendEmail: z.boolean().optional(),
  locale: mailLocale.optional(),
});
export const classListError = z.object({ line: z.number(), field: z.string(), reason: z.string() });

export const adminPasswordResetBody = z.object({
  /** Set this password at once; without it, a reset link is made (and e-mailed when sendEmail). */
  password: z.string().min(8, 'password must be at least 8 characters').max(256).optional(),
  sendEmail: z.boolean().optional(),
  locale: mailLocale.optional(),
});
export const adminPasswordReset = z.object({
  passwordSet: z.boolean(),
  /** The reset link, when no e-mail carried it. */
  url: z.string().nullable(),
  emailed: z.boolean(),
  expiresAt: z.string().nullable(),
  sessionsRevoked: z.boolean(),
});

export const signupMode = z
  .enum(['open', 'closed'])
  .describe('`open`: anyone who reaches WeBox may make an account; `closed`: only admins and invitations do.');

export const accountSettingsView = z.object({
  /** Sign-ups allowed per client address per minute (invitations are never counted). */
  signupsPerAddressPerMinute: z.number().int(),
  signup: signupMode,
  /** Whether WeBox can send e-mail (WEBOX_SMTP_URL is set); read-only. */
  emailEnabled: z.boolean(),
});
export const accountSettingsBody = z.object({
  signupsPerAddressPerMinute: z.number().int().min(1).max(10_000).nullable().optional(),
  signup: signupMode.optional(),
});

export type InvitationView = z.infer<typeof invitationView>;
export type CreatedInvitation = z.infer<typeof createdInvitation>;
export type ClassListError = z.infer<typeof classListError>;
export type PublicInvitation = z.infer<typeof publicInvitation>;
export type AdminPasswordReset = z.infer<typeof adminPasswordReset>;
export type AccountSettingsView = z.infer<typeof accountSettingsView>;
