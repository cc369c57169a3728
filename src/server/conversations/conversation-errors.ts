// The conversations module's error catalogue. Another user's conversation is "not found", never
// "forbidden": an answer never reveals that it exists.
import { commonErrors } from '../errors.ts';

export const conversationErrors = {
  notFound: () => commonErrors.notFound('The conversation'),
};
