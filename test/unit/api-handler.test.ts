/**
 * What a function answers when API Gateway hands it a request through the `$default` route (a path or
 * method outside the route table): the same 404 / 405 as the local server, in the API's JSON format.
 */
import { describe, expect, it } from 'vitest';
import { readOperations } from '../../functions/handlers/read';
import { type ApiEvent, createApiHandler } from '../../functions/http/api';

const handler = createApiHandler('read', readOperations, {} as never);

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
