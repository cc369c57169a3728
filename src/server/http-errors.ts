// The catalogue of refusals made before any module sees a request: the graceful stop, the
// cross-site check and the JSON body's depth.
import { AppError } from './errors.ts';

export const httpErrors = {
  /** What a request is told when the stop ends it, or when it arrives during the stop. */
  shuttingDown: () =>
    new AppError(503, 'server_shutting_down', 'WeBox is restarting: send the request again in a moment.', {
      headers: { connection: 'close' },
    }),
  invalidOrigin: (expected: string) =>
    new AppError(
      403,
      'invalid_origin',
      `Changes are accepted only from WeBox's own pages, at ${expected} (WEBOX_PUBLIC_URL). If that is not the address you use, the operator must set WEBOX_PUBLIC_URL to it.`,
    ),
  bodyTooDeep: (maxDepth: number) =>
    new AppError(400, 'invalid_request', `The request body nests arrays or objects more than ${maxDepth} levels deep.`),
};
