// Invitations: an admin invites addresses (one, several, or a class list), each with a role and
// optionally a group; the invitee follows the link, chooses a name and a password, and is signed
// in. Tokens are stored hashed, used once, revocable, and expire. Without SMTP the links are given
// back to the admin, once, in the answer that made them.

import { and, desc, eq, gt, inArray, isNull } from 'drizzle-orm';
import type { ClassListError, CreatedInvitation, InvitationView } from '../../shared/invitations.ts';
import type { AuditActor } from '../audit/audit-trail.ts';
import type { Auth } from '../auth/auth-instance.ts';
import type { Config } from '../config.ts';
import { inTransaction } from '../db/after-commit.ts';
import type { Database } from '../db/client.ts';
import { invitation } from '../db/schema/invitations.ts';
import { commonErrors } from '../errors.ts';
import type { GroupService } from '../groups/group-service.ts';
import type { MailLocale } from '../mail/mail-locale.ts';
import { invitationMail } from '../mail/mail-templates.ts';
import type { Mailer } from '../mail/mailer.ts';
import type { UserService } from '../users/user-service.ts';
import { parseClassList } from './class-list.ts';
import { invitationErrors } from './invitation-errors.ts';
import { hashSecretToken, newSecretToken } from './secret-tokens.ts';

export const DEFAULT_INVITATION_DAYS = 7;
const DAY_MS = 24 * 60 * 60 * 1000;

type InvitationRow = typeof invitation.$inferSelect;

export interface InvitationOptions {
  role?: 'admin' | 'user';
  groupId?: string | null;
  expiresInDays?: number;
  sendEmail?: boolean;
  locale: MailLocale;
}

interface Invitee {
  email: string;
  name: string | null;
  groupId: string | null;
}

interface MailLogger {
  warn(object: object, message: string): void;
}

function statusOf(row: InvitationRow, now: number): InvitationView['status'] {
  if (row.acceptedAt) return 'accepted';
  if (row.revokedAt) return 'revoked';
  return row.expiresAt.getTime() <= now ? 'expired' : 'pending';
}

function toView(row: InvitationRow, now = Date.now()): InvitationView {
  return {
    id: row.id,
    email: row.email,
    role: row.role === 'admin' ? 'admin' : 'user',
    groupId: row.groupId,
    locale: row.locale === 'en' ? 'en' : 'fr',
    status: statusOf(row, now),
    expiresAt: row.expiresAt.toISOString(),
    createdAt: row.createdAt.toISOString(),
    acceptedAt: row.acceptedAt?.toISOString() ?? null,
    emailSentAt: row.emailSentAt?.toISOString() ?? null,
  };
}

export function createInvitationService(options: {
  db: Database;
  auth: Auth;
  config: Config;
  users: UserService;
  groups: Pick<GroupService, 'exists' | 'names' | 'setMember'>;
  mailer: Mailer | null;
  log: MailLogger;
  /** Where the e-mail's expiry time is given (the display time zone). */
  timeZone?: () => string;
}) {
  const { db, auth, config, users, groups, mailer, log } = options;

  /** The link an invitee opens; the token sits in the fragment, which no server or proxy logs. */
  const linkOf = (token: string) => `${config.publicUrl}/invitation#${token}`;

  /** A usable invitation by its token, or the one refusal for every other case. */
  async function usable(token: string) {
    const [row] = await db
      .select()
      .from(invitation)
      .where(
        and(
          eq(invitation.tokenHash, hashSecretToken(token)),
          isNull(invitation.acceptedAt),
          isNull(invitation.revokedAt),
          gt(invitation.expiresAt, new Date()),
        ),
      );
    if (!row) throw invitationErrors.invalid();
    return row;
  }

  /**
   * Stores the invitations in one transaction (an address's pending invitations are replaced by the
   * new one), then sends the e-mails; a message that fails leaves its link in the answer.
   */
  async function invite(actor: { id: string; name: string }, invitees: Invitee[], settings: InvitationOptions) {
    const sendEmail = settings.sendEmail ?? mailer !== null;
    if (sendEmail && !mailer) throw invitationErrors.emailNotConfigured();
    const expiresAt = new Date(Date.now() + (settings.expiresInDays ?? DEFAULT_INVITATION_DAYS) * DAY_MS);
    const made = await db.transaction(async (tx) => {
      const emails = invitees.map((invitee) => invitee.email);
      await tx
        .update(invitation)
        .set({ revokedAt: new Date() })
        .where(and(inArray(invitation.email, emails), isNull(invitation.acceptedAt), isNull(invitation.revokedAt)));
      const tokens = invitees.map(() => newSecretToken());
      const rows = await tx
        .insert(invitation)
        .values(
          invitees.map((invitee, index) => ({
            email: invitee.email,
            name: invitee.name,
            role: settings.role ?? 'user',
            groupId: invitee.groupId,
            locale: settings.locale,
            tokenHash: hashSecretToken(tokens[index] ?? ''),
            invitedBy: actor.id,
            expiresAt,
          })),
        )
        .returning();
      const byHash = new Map(tokens.map((token) => [hashSecretToken(token), token]));
      return rows.map((row) => ({ row, token: byHash.get(row.tokenHash) ?? '' }));
    });
    const answers: CreatedInvitation[] = [];
    for (const { row, token } of made) {
      let emailed = false;
      if (sendEmail && mailer) {
        try {
          await mailer.send(
            row.email,
            invitationMail(settings.locale, {
              url: linkOf(token),
              expiresAt,
              inviterName: actor.name,
              timeZone: options.timeZone?.() ?? config.timezone,
            }),
          );
          emailed = true;
          row.emailSentAt = new Date();
          await db.update(invitation).set({ emailSentAt: row.emailSentAt }).where(eq(invitation.id, row.id));
        } catch (error) {
          log.warn({ err: error, invitationId: row.id }, 'invitation e-mail not sent: its link is given to the admin');
        }
      }
      answers.push({ ...toView(row), url: emailed ? null : linkOf(token), emailed });
    }
    return answers;
  }

  async function checkGroup(groupId: string | null | undefined) {
    if (!groupId) return null;
    if (!(await groups.exists(groupId))) throw commonErrors.notFound('The group');
    return groupId;
  }

  return {
    async create(actor: { id: string; name: string }, emails: string[], settings: InvitationOptions) {
      const unique = [...new Set(emails)];
      const groupId = await checkGroup(settings.groupId);
      const taken = await users.existingEmails(unique);
      if (taken.size > 0) {
        throw commonErrors.invalidRequest(`These addresses already have an account: ${[...taken].join(', ')}.`, {
          emails: [...taken],
        });
      }
      return invite(
        actor,
        unique.map((email) => ({ email, name: null, groupId })),
        settings,
      );
    },

    /** A class list: every line checked first; any error, and nothing is imported. */
    async importClassList(actor: { id: string; name: string }, csv: string, settings: InvitationOptions) {
      const defaultGroup = await checkGroup(settings.groupId);
      const { rows, errors } = await parseClassList(csv);
      const problems: ClassListError[] = [...errors];
      const [taken, names] = await Promise.all([users.existingEmails(rows.map((row) => row.email)), groups.names()]);
      // Group names are unique; a class list may spell them in another case.
      const groupIds = new Map([...names].map(([id, name]) => [name.trim().toLowerCase(), id]));
      const invitees: Invitee[] = [];
      for (const row of rows) {
        if (taken.has(row.email)) problems.push({ line: row.line, field: 'email', reason: 'has_account' });
        const groupId = row.group === null ? defaultGroup : groupIds.get(row.group.toLowerCase());
        if (groupId === undefined) problems.push({ line: row.line, field: 'group', reason: 'unknown_group' });
        invitees.push({ email: row.email, name: row.name, groupId: groupId ?? null });
      }
      if (problems.length > 0) throw invitationErrors.classList(problems.sort((a, b) => a.line - b.line));
      if (invitees.length === 0) throw invitationErrors.classList([{ line: 2, field: 'email', reason: 'empty' }]);
      return invite(actor, invitees, settings);
    },

    async list(): Promise<InvitationView[]> {
      const rows = await db.select().from(invitation).orderBy(desc(invitation.createdAt)).limit(5000);
      const now = Date.now();
      return rows.map((row) => toView(row, now));
    },

    /** Revokes a pending invitation (its link stops at once); an unknown one → 404. */
    async revoke(id: string) {
      const updated = await db
        .update(invitation)
        .set({ revokedAt: new Date() })
        .where(and(eq(invitation.id, id), isNull(invitation.acceptedAt), isNull(invitation.revokedAt)))
        .returning({ id: invitation.id });
      if (updated.length === 0) {
        const [row] = await db.select({ id: invitation.id }).from(invitation).where(eq(invitation.id, id));
        if (!row) throw commonErrors.notFound('The invitation');
      }
    },

    /** What the acceptance page shows: the address, the name offered, the expiry. Nothing else. */
    async lookup(token: string) {
      const row = await usable(token);
      return {
        email: row.email,
        name: row.name,
        expiresAt: row.expiresAt.toISOString(),
        locale: row.locale === 'en' ? ('en' as const) : ('fr' as const),
      };
    },

    /**
     * Claims the invitation (once: a second acceptance, even at the same instant, finds it used),
     * creates the account through better-auth, joins its group, and signs in: the Response of
     * better-auth's sign-in, whose cookies the route hands on.
     */
    async accept(token: string, input: { name: string; password: string }, headers: Headers, actor: AuditActor) {
      const row = await usable(token);
      const [claimed] = await db
        .update(invitation)
        .set({ acceptedAt: new Date() })
        .where(
          and(
            eq(invitation.id, row.id),
            isNull(invitation.acceptedAt),
            isNull(invitation.revokedAt),
            gt(invitation.expiresAt, new Date()),
          ),
        )
        .returning();
      if (!claimed) throw invitationErrors.invalid();
      let userId: string;
      try {
        const created = await users.create(
          {
            name: input.name,
            email: claimed.email,
            password: input.password,
            role: claimed.role === 'admin' ? 'admin' : 'user',
          },
          { actor, via: 'invitation' },
        );
        userId = created.id;
      } catch (error) {
        // No account was made: the link works again.
        await db.update(invitation).set({ acceptedAt: null }).where(eq(invitation.id, claimed.id));
        throw error;
      }
      // The group's limits apply from the account's first call, on every instance: the membership is
      // announced once this transaction has committed.
      await inTransaction(db, async (scope) => {
        await scope.tx.update(invitation).set({ acceptedUserId: userId }).where(eq(invitation.id, claimed.id));
        if (claimed.groupId) await groups.setMember(claimed.groupId, userId, 'member', scope);
      });
      const response = await auth.api.signInEmail({
        body: { email: claimed.email, password: input.password },
        headers,
        asResponse: true,
      });
      return { response, user: { id: userId, email: claimed.email, name: input.name, role: claimed.role } };
    },
  };
}

export type InvitationService = ReturnType<typeof createInvitationService>;
