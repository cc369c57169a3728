// Tokens sent in links (invitations, password resets): 256 random bits, base64url, stored only as
// their SHA-256 (a database dump holds no usable link).
import { createHash, randomBytes } from 'node:crypto';

export const newSecretToken = () => randomBytes(32).toString('base64url');

export const hashSecretToken = (token: string) => createHash('sha256').update(token).digest('base64url');
