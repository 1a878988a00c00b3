/**
 * The suppression list's key (docs/NOTIFICATIONS.md, suppression): an address is normalised (trimmed,
 * lower-cased) and hashed, so `Mixed.Case@Example.COM` and `mixed.case@example.com` are one entry and
 * the list never holds an address. Pure.
 */
import { createHash } from 'node:crypto';

/** Trimmed and lower-cased: SES reports addresses in whatever case the receiving side used. */
export const normaliseAddress = (address: string) => address.trim().toLowerCase();

/** SHA-256 (hex) of the normalised address: the suppression list's key. */
export const addressHash = (address: string) =>
  createHash('sha256').update(normaliseAddress(address), 'utf8').digest('hex');

export const SUPPRESSION_HASH = /^[0-9a-f]{64}$/;
