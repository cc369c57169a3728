// The grammar every provider model id follows before any provider sees it (issue 10, item 3). An
// id travels into an upstream URL for some providers (Gemini's `models/{id}:streamGenerateContent`,
// where an id with a slash is used as a path as it is), so it is held to what real ids look like:
// segments of letters, digits and `. _ : -`, each starting with a letter or digit, joined by single
// slashes, no `..`, bounded in length. Each provider narrows it further (see
// src/server/providers/model-id-format.ts): how many slashes, whether a colon is allowed.
import { z } from 'zod';

/** Longest provider model id accepted (fine-tune ids such as `ft:gpt-4o-mini:org:suffix:id` fit). */
export const MODEL_ID_MAX_LENGTH = 200;

/** One segment: what a provider's own ids are made of (`gpt-4o-2024-08-06`, `ft:gpt-4o-mini:org::abc123`). */
export const MODEL_ID_SEGMENT = '[A-Za-z0-9][A-Za-z0-9._:-]*';

const wellFormed = new RegExp(`^(?!.*\\.\\.)${MODEL_ID_SEGMENT}(?:/${MODEL_ID_SEGMENT})*$`);

/** Whether an id follows the common grammar (a provider may still refuse it: see its format). */
export function isWellFormedModelId(id: string): boolean {
  return id.length <= MODEL_ID_MAX_LENGTH && wellFormed.test(id);
}

export const MODEL_ID_RULE = `letters, digits and . _ : - in segments joined by single slashes, each segment starting with a letter or digit, no "..", at most ${MODEL_ID_MAX_LENGTH} characters`;

/** A request's `model` field (POST /api/chat, conversations): the grammar, then the provider's format. */
export const modelIdField = z
  .string()
  .min(1)
  .max(MODEL_ID_MAX_LENGTH)
  .refine(isWellFormedModelId, `model must be a provider's model id: ${MODEL_ID_RULE}`);
