import { createHash, timingSafeEqual } from 'node:crypto';
import type { Role } from './routes';

/** Bearer tokens per role. Locally from POLICY_APP_TOKEN / POLICY_PUBLISHER_TOKEN; in AWS from a secret. */
export interface TokenSet {
  app: string[];
  publisher: string[];
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/**
 * Maps an Authorization header to the role its token grants, or null. Compares digests in constant
 * time so response timing says nothing about how much of a token matched. Shared by the local server
 * and the Lambda authorizer.
 */
export function resolveRole(
  authorization: string | undefined,
  tokens: TokenSet,
): Exclude<Role, 'public'> | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (!match) return null;
  const presented = digest(match[1]!);
  for (const role of ['publisher', 'app'] as const) {
    for (const token of tokens[role]) if (token && timingSafeEqual(presented, digest(token))) return role;
  }
  return null;
}
