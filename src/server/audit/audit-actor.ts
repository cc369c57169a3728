// Who is behind a request, as the audit trail records it: the signed-in account (or the access
// token's owner on /v1), the client's address as Fastify resolved it (WEBOX_TRUST_PROXY decides
// which proxies are believed) and its user agent. Built once per request at the boundary; the
// trail clips and cleans every part again, since each is the client's to choose.
import type { FastifyRequest } from 'fastify';
import { commonErrors } from '../errors.ts';
import type { AuditActor } from './audit-trail.ts';

export function auditActor(request: FastifyRequest, who?: { id: string; email?: string | null } | null): AuditActor {
  const user = who === undefined ? request.sessionUser : who;
  const agent = request.headers['user-agent'];
  return {
    userId: user?.id ?? null,
    email: user?.email ?? null,
    ip: request.ip ?? null,
    userAgent: typeof agent === 'string' ? agent : null,
  };
}

/** The signed-in account as the actor, for routes behind requireUser or requireAdmin. */
export function signedInActor(request: FastifyRequest): AuditActor & { userId: string } {
  const user = request.sessionUser;
  if (!user) throw commonErrors.unauthenticated();
  return { ...auditActor(request, user), userId: user.id };
}
