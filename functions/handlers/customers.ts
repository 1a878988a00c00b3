/** Customer registry (app role). Customers table, and the counters in the Acknowledgments table. */
import { customersFromEnv } from '../composition/customers';
import { lazyHandler } from '../composition/handler';
import { canonicalTimeZone, EMAIL_ADDRESS, isTimeZone } from '../domain/email';
import { assertUserId, canonicalLocale, LOCALE } from '../domain/ids';
import * as z from '../domain/schema';
import { matching } from '../domain/schema';
import { createApiHandler, type Operations } from '../http/api';
import { parseWith, SINGLE_LINE } from '../http/validate';
import { type CustomerDeps, eraseCustomer, getCustomer, registerCustomer } from '../usecases/customers';

export const customerSchema = z.strictObject({
  email: z
    .string()
    .check(
      z.maxLength(254),
      z.regex(SINGLE_LINE, 'must not contain CR, LF or NUL'),
      z.regex(EMAIL_ADDRESS, 'not a valid email address'),
    ),
  locale: z.optional(z.pipe(matching(LOCALE, 'must be a BCP 47 language tag'), z.transform(canonicalLocale))),
  name: z.optional(
    z
      .string()
      .check(z.minLength(1), z.maxLength(200), z.regex(SINGLE_LINE, 'must not contain CR, LF or NUL')),
  ),
  /** IANA name (`Asia/Ho_Chi_Minh`), stored in its canonical spelling: the zone emails show times in. */
  timeZone: z.optional(
    z.pipe(
      z.string().check(
        z.maxLength(64),
        z.refine((name) => isTimeZone(name), 'must be an IANA time zone name, e.g. Asia/Ho_Chi_Minh'),
      ),
      z.transform((name) => canonicalTimeZone(name) ?? name),
    ),
  ),
});

export const customerOperations: Operations<CustomerDeps> = {
  putCustomer: async (req, deps) => {
    const userId = assertUserId(req.params.userId);
    const input = parseWith(customerSchema, req.body);
    const { created, customer } = await registerCustomer(deps, userId, input);
    return { status: created ? 201 : 200, body: customer };
  },
  getCustomer: async (req, deps) => ({
    status: 200,
    body: await getCustomer(deps, assertUserId(req.params.userId)),
  }),
  deleteCustomer: async (req, deps) => {
    await eraseCustomer(deps, assertUserId(req.params.userId));
    return { status: 204 };
  },
};

export const createCustomersHandler = (deps: CustomerDeps) =>
  createApiHandler('customers', customerOperations, deps);
export const handler = lazyHandler(() => createCustomersHandler(customersFromEnv()));
