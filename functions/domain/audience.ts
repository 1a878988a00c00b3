/**
 * Who a notified revision would reach, per reader language, from the counters' per-locale totals
 * (DESIGN decision 11: no scan of the customers). The grouping follows the worker: a customer reads the
 * email's frame in their own locale when a template exists for it, else in the content's locale
 * (`recipientLocale`), which falls back to the revision's default.
 */
import { hasWording } from './email-templates';
import { recipientLocale } from './notification';
import type { Revision } from './revision';

/** The counter attribute of active customers in a registered locale (none: `-`). */
export const localeCounter = (locale: string | null | undefined) => `loc#${locale || '-'}`;

/** The registered locale a `loc#` counter key stands for (`-` → null). */
export const registeredLocale = (key: string): string | null => (key === '-' ? null : key);

export interface ReaderLanguage {
  /** The content locale the reader gets (one of the revision's). */
  contentLocale: string;
  /** The email's frame locale: the reader's, when a template exists for it. */
  frameLocale: string;
}

/** The email a customer with this registered locale gets, as the worker picks it. */
export function readerLanguage(
  revision: Pick<Revision, 'locales' | 'defaultLocale'>,
  customerLocale: string | null,
): ReaderLanguage {
  const contentLocale = recipientLocale(revision, customerLocale);
  const frameLocale = customerLocale && hasWording(customerLocale) ? customerLocale : contentLocale;
  return { contentLocale, frameLocale };
}

export interface Recipients {
  total: number;
  /** Per email frame locale (the language the reader gets the email in). */
  byLocale: Record<string, number>;
  suppressed: number;
}

/** Groups the active customers per registered locale into the email languages they would receive. */
export function groupRecipients(
  revision: Pick<Revision, 'locales' | 'defaultLocale'>,
  audience: { active: number; byLocale: Record<string, number>; suppressed: number },
): Recipients {
  const byLocale: Record<string, number> = {};
  for (const [key, n] of Object.entries(audience.byLocale)) {
    if (n <= 0) continue;
    const { frameLocale } = readerLanguage(revision, registeredLocale(key));
    byLocale[frameLocale] = (byLocale[frameLocale] ?? 0) + n;
  }
  return { total: audience.active, byLocale, suppressed: audience.suppressed };
}
