/**
 * Bad input gets a clear 4xx and changes nothing: every case below is sent against a service holding
 * one policy, one customer and one acknowledgment, and the stored items are compared before and after.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalService } from '../../bin/local/runtime';
import { call, dumpTables, startTestService, TOKENS } from '../support/service';

let service: LocalService;
let before: Record<string, unknown[]>;
const pub = TOKENS.publisher;
const app = TOKENS.app;
const valid = { texts: { vi: 'Chính sách\n\n1. Mục một\n\nNội dung mới.\n' }, change: 'material' };
const big = 'a'.repeat(2 * 1024 * 1024 + 1);

beforeAll(async () => {
  service = await startTestService();
  expect(
    (
      await call(service, 'POST', '/policies/privacy/revisions', {
        token: pub,
        body: { texts: { vi: 'Chính sách\n', en: 'Policy\n' }, change: 'material' },
      })
    ).status,
  ).toBe(201);
  expect(
    (await call(service, 'PUT', '/customers/u1', { token: app, body: { email: 'u1@example.com' } })).status,
  ).toBe(201);
  expect(
    (
      await call(service, 'POST', '/users/u1/acknowledgments', {
        token: app,
        body: { policyId: 'privacy', version: 1 },
      })
    ).status,
  ).toBe(201);
  before = await dumpTables(service);
});
afterAll(async () => service?.stop());

interface Case {
  name: string;
  method: string;
  path: string;
  token?: string;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
  status: number;
  code: string;
}

const publish = (body: unknown, name: string, status = 400, code = 'VALIDATION_FAILED'): Case => ({
  name,
  method: 'POST',
  path: '/policies/privacy/revisions',
  token: pub,
  body,
  status,
  code,
});
const customer = (body: unknown, name: string, userId = 'u2'): Case => ({
  name,
  method: 'PUT',
  path: `/customers/${userId}`,
  token: app,
  body,
  status: 400,
  code: 'VALIDATION_FAILED',
});
const ack = (body: unknown, name: string, status = 400, code = 'VALIDATION_FAILED', userId = 'u1'): Case => ({
  name,
  method: 'POST',
  path: `/users/${userId}/acknowledgments`,
  token: app,
  body,
  status,
  code,
});

const cases: Case[] = [
  {
    name: 'malformed JSON',
    method: 'POST',
    path: '/policies/privacy/revisions',
    token: pub,
    rawBody: '{"texts": {',
    headers: { 'content-type': 'application/json' },
    status: 400,
    code: 'VALIDATION_FAILED',
  },
  {
    name: 'JSON body that is not an object',
    method: 'POST',
    path: '/policies/privacy/revisions',
    token: pub,
    rawBody: '[1,2]',
    headers: { 'content-type': 'application/json' },
    status: 400,
    code: 'VALIDATION_FAILED',
  },
  {
    name: 'empty body',
    method: 'PUT',
    path: '/customers/u2',
    token: app,
    rawBody: '',
    headers: { 'content-type': 'application/json' },
    status: 400,
    code: 'VALIDATION_FAILED',
  },
  {
    name: 'text/plain body',
    method: 'POST',
    path: '/policies/privacy/revisions',
    token: pub,
    rawBody: 'hello',
    headers: { 'content-type': 'text/plain' },
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
  },
  {
    name: 'form-encoded body',
    method: 'PUT',
    path: '/customers/u2',
    token: app,
    rawBody: 'email=a@b.vn',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
  },
  {
    name: 'body over 6 MB',
    method: 'POST',
    path: '/policies/privacy/revisions',
    token: pub,
    rawBody: JSON.stringify({ texts: { vi: 'x'.repeat(6_000_000) }, change: 'minor' }),
    headers: { 'content-type': 'application/json' },
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
  },
  publish({ ...valid, texts: { vi: big } }, 'a text over 2 MiB'),
  publish({ change: 'material' }, 'texts missing'),
  publish({ texts: 'Chính sách', change: 'material' }, 'texts not an object'),
  publish({ texts: { vi: 42 }, change: 'material' }, 'a text that is not a string'),
  publish({ texts: {}, change: 'material' }, 'no locale'),
  publish({ texts: { 'not a locale!': 'x' }, change: 'material' }, 'a bad locale key'),
  publish({ texts: { vi: '   \n\n' }, change: 'minor' }, 'a blank text'),
  publish({ ...valid, change: 'huge' }, 'unknown change kind'),
  publish({ texts: valid.texts }, 'change missing'),
  publish({ ...valid, effectiveAt: 'next tuesday' }, 'effectiveAt not a date'),
  publish({ ...valid, effectiveAt: '2020-01-01T00:00:00Z' }, 'effectiveAt in the past'),
  publish({ ...valid, baseVersion: -1 }, 'negative baseVersion'),
  publish({ ...valid, baseVersion: '1' }, 'baseVersion as a string'),
  publish({ ...valid, notify: 'yes' }, 'notify not a boolean'),
  publish({ ...valid, summary: { fr: 'résumé' } }, 'summary in a locale without text'),
  publish({ ...valid, titles: { fr: 'Politique' } }, 'title in a locale without text'),
  publish({ ...valid, titles: { vi: '' } }, 'an empty title'),
  publish({ ...valid, titles: { vi: '   ' } }, 'a blank title'),
  publish({ ...valid, titles: { vi: 'x'.repeat(201) } }, 'a title over 200 characters'),
  publish({ ...valid, titles: { vi: 'Chính sách\nBcc: x' } }, 'a title of two lines'),
  publish({ ...valid, titles: { vi: 'Lone \ud800 surrogate' } }, 'a title that is not valid Unicode'),
  publish({ ...valid, titles: { vi: 42 } }, 'a title that is not a string'),
  publish({ ...valid, titles: 'Chính sách' }, 'titles not an object'),
  customer({ email: 'a@b.vn', timeZone: 'Mars/Olympus' }, 'an unknown time zone'),
  customer({ email: 'a@b.vn', timeZone: '+07:00' }, 'an offset instead of a time zone'),
  customer({ email: 'a@b.vn', timeZone: 7 }, 'a time zone that is not a string'),
  publish({ ...valid, colour: 'red' }, 'unknown field'),
  publish({ texts: { vi: 'Mới\n' }, change: 'minor' }, 'dropping a locale (en)'),
  publish(
    { texts: { vi: 'Mới\n', EN: 'x', en: 'y' }, change: 'minor' },
    'the same locale twice in two spellings',
  ),
  { ...publish(valid, 'an invalid policy id'), path: '/policies/Privacy_Policy/revisions' },
  { ...publish(valid, 'a policy id over 64 characters'), path: `/policies/${'a'.repeat(65)}/revisions` },
  customer({ email: 'not-an-email' }, 'invalid email'),
  customer({ email: 'a@b.vn\r\nBcc: evil@x.com' }, 'CR/LF in email'),
  customer({ email: 'a@b.vn', name: 'An\nBcc: evil@x.com' }, 'LF in name'),
  customer({ email: 'a@b.vn', name: 'An\u0000' }, 'NUL in name'),
  customer({ email: 'a@b.vn', locale: 'vi_VN!' }, 'bad customer locale'),
  customer({ email: 'a@b.vn', vip: true }, 'unknown customer field'),
  customer({ email: 'a@b.vn' }, 'a userId with a space', 'bad%20id'),
  customer({ email: 'a@b.vn' }, 'a userId over 128 characters', 'u'.repeat(129)),
  ack({ policyId: 'privacy', version: 0 }, 'version 0'),
  ack({ policyId: 'privacy', version: 1.5 }, 'fractional version'),
  ack({ policyId: 'privacy', version: '1' }, 'version as a string'),
  ack({ version: 1 }, 'policyId missing'),
  ack({ policyId: 'privacy', version: 1, evidence: { ip: '1.2.3.4\r\nX: y' } }, 'CR/LF in evidence'),
  ack({ policyId: 'privacy', version: 1, evidence: 'ip=1.2.3.4' }, 'evidence not an object'),
  ack({ policyId: 'privacy', version: 1, channel: 'Web Site' }, 'bad channel'),
  ack({ policyId: 'privacy', version: 9 }, 'unknown version', 404, 'NOT_FOUND', 'u3'),
  ack({ policyId: 'nope', version: 1 }, 'unknown policy', 404, 'NOT_FOUND', 'u3'),
  {
    name: 'a bad version in the path',
    method: 'GET',
    path: '/policies/privacy/revisions/abc',
    status: 400,
    code: 'VALIDATION_FAILED',
  },
  {
    name: 'a bad locale query',
    method: 'GET',
    path: '/policies/privacy/revisions/1?locale=%3Cscript%3E',
    status: 400,
    code: 'VALIDATION_FAILED',
  },
  {
    name: 'limit out of range',
    method: 'GET',
    path: '/policies/privacy/revisions?limit=1000',
    status: 400,
    code: 'VALIDATION_FAILED',
  },
  {
    name: 'a forged cursor',
    method: 'GET',
    path: '/policies/privacy/revisions?cursor=eyJwayI6IngifQ',
    status: 400,
    code: 'VALIDATION_FAILED',
  },
  {
    name: 'a bad policyId filter',
    method: 'GET',
    path: '/users/u1/acknowledgments?policyId=BAD!',
    token: app,
    status: 400,
    code: 'VALIDATION_FAILED',
  },
];

describe('bad input', () => {
  it('has at least 30 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  it.each(cases)('$name → $status $code', async (c) => {
    const res = await call(service, c.method, c.path, {
      token: c.token,
      body: c.body,
      rawBody: c.rawBody,
      headers: c.headers,
    });
    expect(res.status).toBe(c.status);
    expect(res.json.error.code).toBe(c.code);
    expect(res.json.error.message).toEqual(expect.any(String));
    expect(res.text).not.toMatch(/at .*\.ts:\d+/); // no stack traces
  });

  it('stored nothing for any of them', async () => {
    expect(await dumpTables(service)).toEqual(before);
  });
});
