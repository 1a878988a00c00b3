/**
 * What a function answers when API Gateway hands it a request through the `$default` route (a path or
 * method outside the route table): the same 404 / 405 as the local server, in the API's JSON format.
 */
import { describe, expect, it } from 'vitest';
import { complianceOperations } from '../../functions/handlers/compliance';
import { createReadHandler } from '../../functions/handlers/read';
import { type ApiEvent, createApiHandler } from '../../functions/http/api';

// The read function's handler as deployed: it takes API Gateway's `$default` route.
const handler = createReadHandler({} as never);

const defaultRouteEvent = (method: string, rawPath: string) =>
  ({
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString: '',
    headers: {},
    isBase64Encoded: false,
    requestContext: { requestId: 'r-1', http: { method, path: rawPath } },
  }) as unknown as ApiEvent;

describe('the $default route in AWS', () => {
  it('returns 405 with an Allow header for a known path under another method', async () => {
    const res = await handler(defaultRouteEvent('DELETE', '/policies/privacy/revisions'));
    expect(res.statusCode).toBe(405);
    expect(res.headers?.allow).toBe('GET, POST');
    expect(JSON.parse(res.body).error.code).toBe('METHOD_NOT_ALLOWED');
  });

  it('returns 404 NOT_FOUND for a path outside the route table', async () => {
    const res = await handler(defaultRouteEvent('GET', '/wp-admin'));
    expect(res.statusCode).toBe(404);
    expect(res.headers?.allow).toBeUndefined();
    expect(JSON.parse(res.body).error.code).toBe('NOT_FOUND');
  });
});

describe('error pages', () => {
  it('answers a mistyped page address through $default with the HTML 404 page', async () => {
    const res = await handler({
      ...defaultRouteEvent('GET', '/p/privacy/nowhere/at/all'),
      headers: { 'accept-language': 'vi' },
    });
    expect(res.statusCode).toBe(404);
    expect(res.headers?.['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers?.['content-language']).toBe('vi');
    expect(res.body).toContain('<html lang="vi">');
  });

  it('refuses to build the handler of a function that serves pages without an error page renderer', () => {
    expect(() => createApiHandler('read', {}, {})).toThrow(
      'the read function serves pages: its handler needs an error page renderer',
    );
    // The acknowledgment receipt is a page.
    expect(() => createApiHandler('compliance', complianceOperations, {} as never)).toThrow(
      'the compliance function serves pages',
    );
    // A function without pages needs none (its answers are JSON only).
    expect(() => createApiHandler('customers', {}, {})).not.toThrow();
    expect(() => createApiHandler('publish', {}, {})).not.toThrow();
  });
});
