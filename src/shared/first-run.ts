// The admins' first-run checklist (GET/PUT /api/admin/first-run), shared by the server's route
// schemas and the web app. Whether a step is done is read from the real state each time; only
// "dismissed" and the steps an admin chose to skip are stored.
import { z } from 'zod';

export const FIRST_RUN_STEPS = ['keys', 'models', 'budget', 'signup', 'invite', 'timeZone'] as const;
export const firstRunStepId = z.enum(FIRST_RUN_STEPS);
export type FirstRunStepId = z.infer<typeof firstRunStepId>;

export const firstRunStep = z
  .object({
    id: firstRunStepId,
    done: z.boolean().describe('Read from the state: a step an admin skipped is not done, it is `skipped`.'),
    skipped: z.boolean().describe('An admin chose to leave it as it is ("keep sign-up open", "offer every model").'),
    /** keys: the providers with a global key, and those of them saved without the provider's check. */
    configured: z.array(z.string()).optional(),
    unverified: z.array(z.string()).optional(),
    /** signup: whether anyone may sign up now. */
    signupOpen: z.boolean().optional(),
    /** timeZone: the zone days and months begin in, when one is known. */
    timeZone: z.string().optional(),
  })
  .meta({ id: 'FirstRunStep', description: 'One step of the first-run checklist.' });

export const firstRunView = z
  .object({
    steps: z.array(firstRunStep).describe(`In this order: ${FIRST_RUN_STEPS.join(', ')}.`),
    dismissed: z.boolean().describe('An admin put the checklist away.'),
    /** Sign-up is open and no budget applies: anyone who reaches WeBox can spend the global keys. */
    openToAnyone: z
      .boolean()
      .describe(
        'Sign-up is open and no budget bounds a new account on the global keys (no default budget, and billing lets everyone in): the admin pages warn about it.',
      ),
  })
  .meta({ id: 'FirstRun', description: "The admins' first-run checklist." });

export const firstRunBody = z
  .object({
    dismissed: z.boolean().optional(),
    skipped: z
      .array(firstRunStepId)
      .max(FIRST_RUN_STEPS.length)
      .optional()
      .describe('The whole list of skipped steps.'),
  })
  .meta({ id: 'FirstRunBody' });

export type FirstRunStep = z.infer<typeof firstRunStep>;
export type FirstRunView = z.infer<typeof firstRunView>;
export type FirstRunBody = z.infer<typeof firstRunBody>;
