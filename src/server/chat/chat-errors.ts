// The web chat's error catalogue (the provider's and the key's failures are in their modules').
import { commonErrors } from '../errors.ts';

export const chatErrors = {
  /** System text alone is nothing to answer. */
  noConversation: () => commonErrors.invalidRequest('messages must hold at least one user or assistant message.'),
};
