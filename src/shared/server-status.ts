// What the unauthenticated probes answer (/healthz, /readyz, /api/info), shared by the server's
// route schemas and the OpenAPI document.
import { z } from 'zod';

export const healthStatus = z.object({ status: z.literal('ok') }).meta({ id: 'HealthStatus', description: 'Up.' });

/** /readyz when the database does not answer in time, or while the server stops. */
export const unavailableStatus = z.object({ status: z.literal('unavailable') }).meta({
  id: 'UnavailableStatus',
  description: 'The database did not answer in time, or the server is stopping: send traffic elsewhere.',
});

export const serverInfo = z
  .object({
    name: z.literal('WeBox'),
    version: z.string(),
    publicOrigin: z
      .string()
      .describe(
        "WEBOX_PUBLIC_URL's origin: the address browsers must open WeBox at (sign-in and changes from another are refused).",
      ),
  })
  .meta({ id: 'ServerInfo', description: "The server's name, version and public address." });

export type ServerInfo = z.infer<typeof serverInfo>;
