import { validate } from '@readme/openapi-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalService } from '../../bin/local/runtime';
import { responseValidator } from '../support/openapi';
import { call, startTestService, TOKENS } from '../support/service';

let service: LocalService;
beforeAll(async () => {
  service = await startTestService({ publicBaseUrl: 'https://policies.example.com' });
});
afterAll(async () => service?.stop());

describe('GET /openapi.json', () => {
  it('serves a valid OpenAPI 3.1 document without a token, with PUBLIC_BASE_URL as its server', async () => {
    const res = await call(service, 'GET', '/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.json.openapi).toBe('3.1.0');
    expect(res.json.servers).toEqual([{ url: 'https://policies.example.com' }]);
    const result = await validate(res.json);
    expect(result.valid).toBe(true);
  });

  it('describes the answers this server gives, as fetched from the server itself', async () => {
    const check = responseValidator((await call(service, 'GET', '/openapi.json')).json);
    const get = async (path: string, token?: string) => {
      const res = await fetch(`${service.url}${path}`, {
        headers: token ? { authorization: `Bearer ${token}` } : {},
      });
      const text = await res.text();
      return check({
        method: 'GET',
        path,
        status: res.status,
        contentType: res.headers.get('content-type'),
        text,
      });
    };
    expect(await get('/health')).toBe('health');
    expect(await get('/policies')).toBe('listPolicies');
    expect(await get('/policies/nope')).toBe('getPolicy');
    expect(await get('/users/u1/policies/nope/status')).toBe('status');
    expect(await get('/users/u1/policies/nope/status', TOKENS.publisher)).toBe('status');
    expect(await get('/no/such/route')).toBe('not-found');
  });
});
