// Access tokens for /v1 as the API answers them (/api/tokens), shared by the server's route schemas
// and the web app's types. The token itself is shown once, when it is created.
import { z } from 'zod';

const tokenFields = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string().describe('`wbx_` and the first 8 characters: enough to tell tokens apart.'),
  createdAt: z.iso.datetime(),
  lastUsedAt: z.iso.datetime().nullable().describe('Written every few seconds, off the request path.'),
  expiresAt: z.iso.datetime().nullable(),
  requestsPerMinute: z.number().int().nullable().describe("The token's own limit, under its owner's; null: none."),
});

export const accessToken = tokenFields.meta({ id: 'AccessToken', description: 'An access token, without the token.' });

export const accessTokenList = z
  .object({ tokens: z.array(accessToken) })
  .describe('Your tokens that are not revoked (expired ones included), newest first.');

/** POST /api/tokens: the only answer that holds the token. */
export const createdAccessToken = tokenFields
  .omit({ lastUsedAt: true })
  .extend({
    token: z.string().describe('`wbx_` + 43 characters: send it as `Authorization: Bearer …`. Shown only here.'),
  })
  .meta({ id: 'CreatedAccessToken', description: 'A new token: the only time it is shown (only its hash is kept).' });

export type AccessToken = z.infer<typeof accessToken>;
export type CreatedAccessToken = z.infer<typeof createdAccessToken>;
