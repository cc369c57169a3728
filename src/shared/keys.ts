// Provider keys as the API answers them (/api/keys, /api/admin/keys, the vault's rotation), shared
// by the server's route schemas and the web app's types. Keys themselves never leave the vault:
// only masks.
import { z } from 'zod';

/** Where a chat would take its key now: the user's own, the operator's, or nowhere. */
export const keySource = z.enum(['personal', 'global', 'none']);

/** GET /api/keys, per provider: the user's own mask, and only whether a global key exists. */
export const userKeyState = z
  .object({
    provider: z.string(),
    source: keySource.describe('The key a chat with this provider would use now.'),
    personal: z.object({ mask: z.string(), updatedAt: z.iso.datetime() }).nullable(),
    global: z.object({ configured: z.boolean() }),
  })
  .meta({ id: 'UserKeyState', description: "One provider's keys, as a user may know them." });

export const userKeyList = z
  .object({ providers: z.array(userKeyState) })
  .describe("Every provider, in the catalogue's order.");

/** GET /api/admin/keys, per provider. */
export const globalKeyState = z
  .object({
    provider: z.string(),
    configured: z.boolean(),
    mask: z.string().nullable(),
    updatedAt: z.iso.datetime().nullable(),
    verified: z
      .boolean()
      .describe('Whether the provider accepted the key when it was saved (`verify: true`); false: saved unchecked.'),
  })
  .meta({ id: 'GlobalKeyState', description: "One provider's global key, as admins see it." });

export const globalKeyList = z
  .object({ providers: z.array(globalKeyState) })
  .describe("Every provider, in the catalogue's order.");

/** PUT /api/keys/:provider and PUT /api/admin/keys/:provider. */
export const savedKey = z
  .object({
    provider: z.string(),
    mask: z.string().describe('The first 5 and last 2 characters (`sk-pr...xY`), never the key.'),
    updatedAt: z.iso.datetime(),
    verified: z.literal(true).optional().describe('Present when `verify: true` asked the provider first.'),
  })
  .meta({ id: 'SavedKey', description: 'The key as saved: its mask, never the key.' });

/** POST /api/admin/vault/rotate. */
export const rotationReport = z
  .object({
    activeKeyId: z.string().describe('The master key every row is now sealed with.'),
    rotated: z.number().int(),
    skipped: z.number().int().describe('Rows changed meanwhile by someone else: saved under the active key already.'),
    unreadable: z.number().int().describe('Rows no listed master key opens: they must be saved again.'),
  })
  .meta({ id: 'RotationReport', description: 'What a rotation did (running it again changes nothing).' });

export type KeySource = z.infer<typeof keySource>;
export type UserKeyState = z.infer<typeof userKeyState>;
export type GlobalKeyState = z.infer<typeof globalKeyState>;
export type SavedKey = z.infer<typeof savedKey>;

/** GET /api/admin/keys/:provider/impact. */
export const globalKeyImpact = z
  .object({
    usersAffected: z
      .number()
      .int()
      .describe('Active accounts that may use the global keys now and have no personal key for this provider.'),
  })
  .meta({ id: 'GlobalKeyImpact', description: 'Who deleting this global key would cut off.' });

export type GlobalKeyImpact = z.infer<typeof globalKeyImpact>;
