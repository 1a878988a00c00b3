import { validationFailed } from './errors';

/** Unanchored sources, for patterns that embed an id (storage keys, cursors). */
export const POLICY_ID_SOURCE = '[a-z0-9][a-z0-9-]{0,63}';
export const USER_ID_SOURCE = '[A-Za-z0-9._:@-]{1,128}';
export const POLICY_ID = new RegExp(`^${POLICY_ID_SOURCE}$`);
export const USER_ID = new RegExp(`^${USER_ID_SOURCE}$`);
/** BCP 47 language tag, the shapes used in practice: language[-script][-region][-variant]. */
export const LOCALE = /^[a-zA-Z]{2,3}(-[a-zA-Z]{4})?(-([a-zA-Z]{2}|[0-9]{3}))?(-[a-zA-Z0-9]{5,8})*$/;

export function assertPolicyId(value: string | undefined): string {
  if (value === undefined || !POLICY_ID.test(value)) {
    throw validationFailed('policyId must match ^[a-z0-9][a-z0-9-]{0,63}$', [
      { path: 'policyId', message: 'invalid policy id' },
    ]);
  }
  return value;
}

export function assertUserId(value: string | undefined): string {
  if (value === undefined || !USER_ID.test(value)) {
    throw validationFailed('userId must be 1-128 characters of [A-Za-z0-9._:@-]', [
      { path: 'userId', message: 'invalid user id' },
    ]);
  }
  return value;
}

/** Canonical case for a BCP 47 tag: language lower, script title, region upper (vi-vn -> vi-VN). */
export function canonicalLocale(tag: string): string {
  return tag
    .split('-')
    .map((part, i) => {
      if (i === 0) return part.toLowerCase();
      if (part.length === 4 && /^[a-zA-Z]+$/.test(part))
        return part[0]!.toUpperCase() + part.slice(1).toLowerCase();
      if (part.length === 2 || /^[0-9]{3}$/.test(part)) return part.toUpperCase();
      return part.toLowerCase();
    })
    .join('-');
}

export function parseLocale(value: string | undefined, path = 'locale'): string {
  if (value === undefined || !LOCALE.test(value)) {
    throw validationFailed(`${path} must be a BCP 47 language tag such as vi, en or vi-VN`, [
      { path, message: 'invalid locale' },
    ]);
  }
  return canonicalLocale(value);
}

/** Version path segment or query value: a positive integer below 10^10 (versions are stored zero-padded to 10 digits). */
export function parseVersion(value: string | undefined, path = 'version'): number {
  if (value === undefined || !/^[1-9][0-9]{0,9}$/.test(value)) {
    throw validationFailed(`${path} must be a positive integer`, [{ path, message: 'invalid version' }]);
  }
  return Number(value);
}
