import { readFileSync } from 'node:fs';
import { compileErrors, validate } from '@readme/openapi-parser';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { type ReadDeps, readOperations } from '../../functions/handlers/read';
import type { ApiRequest } from '../../functions/http/api';
import { statusOf } from '../../functions/http/api';
import {
  buildOpenApiDocument,
  contractOf,
  generatedDocumentText,
  generatedServedModule,
  routeErrorCodes,
} from '../../functions/http/openapi';
import { breakingChanges, isBreakingVersionBump } from '../../functions/http/openapi-compat';
import { type Route, routes } from '../../functions/http/routes';
import { DOCUMENT_PATH, type OpenApiDocument, responseValidator } from '../support/openapi';

const committedText = readFileSync(DOCUMENT_PATH, 'utf8');
const committed: OpenApiDocument = JSON.parse(committedText);
// Generated on first use: a route without a contract entry then fails its own test, named, not the file.
let generatedDoc: OpenApiDocument | undefined;
const generated = (): OpenApiDocument => {
  generatedDoc ??= JSON.parse(generatedDocumentText());
  return generatedDoc;
};
const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
const clone = <T>(v: T): T => structuredClone(v);

function* operationsOf(doc: OpenApiDocument) {
  for (const [path, item] of Object.entries<OpenApiDocument>(doc.paths))
    for (const [method, op] of Object.entries<OpenApiDocument>(item)) yield { path, method, op };
}

describe('docs/openapi.json', () => {
  it('is valid OpenAPI 3.1 according to an independent parser', async () => {
    const result = await validate(clone(committed));
    expect(result.valid, result.valid ? '' : compileErrors(result)).toBe(true);
    expect(committed.openapi).toBe('3.1.0');
  });

  it('has no breaking change against the generated document unless its version announces one', () => {
    // Read before the freshness check: it names what a contract change broke for existing apps.
    const breaking = breakingChanges(committed, generated());
    if (!isBreakingVersionBump(committed.info.version, generated().info.version))
      expect(breaking, 'breaking API changes need a new version (docs/API.md, Versioning)').toEqual([]);
  });

  it('is exactly the generated document, as is the copy the read function serves (`npm run openapi`)', () => {
    expect(committedText === generatedDocumentText(), 'docs/openapi.json is stale: run npm run openapi').toBe(
      true,
    );
    const servedModule = readFileSync(
      new URL('../../functions/http/openapi-document.generated.ts', import.meta.url),
      'utf8',
    );
    expect(servedModule === generatedServedModule(), 'the served copy is stale: run npm run openapi').toBe(
      true,
    );
  });

  it('has the package version and no servers entry (the served copy adds PUBLIC_BASE_URL)', () => {
    expect(committed.info.version).toBe(pkg.version);
    expect(committed.servers).toBeUndefined();
    const deployed = buildOpenApiDocument({
      version: '1.2.3',
      publicBaseUrl: 'https://policies.example.com/',
    });
    expect(deployed.servers).toEqual([{ url: 'https://policies.example.com' }]);
    expect(deployed.info.version).toBe('1.2.3');
  });

  it('has every route of the route table with its operation id and role, and nothing else', () => {
    for (const route of routes as readonly Route[]) {
      const op = committed.paths[route.path]?.[route.method.toLowerCase()];
      expect(op, `${route.method} ${route.path} is missing from the OpenAPI document`).toBeDefined();
      expect(op.operationId).toBe(route.op);
      expect(op['x-role'], route.op).toBe(route.role);
      expect(op.security, route.op).toEqual(route.role === 'public' ? [] : [{ bearer: [] }]);
    }
    expect([...operationsOf(committed)].length).toBe(routes.length);
    expect(committed.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('has a contract entry (schemas) for every route of the route table', () => {
    for (const route of routes as readonly Route[]) expect(() => contractOf(route)).not.toThrow();
  });

  it('names the route when a route of the table has no contract entry', () => {
    expect(() =>
      contractOf({ op: 'archivePolicy', method: 'POST', path: '/policies/{policyId}/archive' }),
    ).toThrow(/POST \/policies\/\{policyId\}\/archive \(operation archivePolicy\) has no entry/);
  });

  it('gives every documented status a schema and lists its error codes, each answering that status', () => {
    for (const { op } of operationsOf(committed)) {
      const route = routes.find((r) => r.op === op.operationId) as Route;
      const listed: string[] = [];
      for (const [status, response] of Object.entries<OpenApiDocument>(op.responses)) {
        if (status === '204') {
          expect(response.content, op.operationId).toBeUndefined();
          continue;
        }
        for (const media of Object.values<OpenApiDocument>(response.content))
          expect(media.schema, `${op.operationId} ${status}`).toBeDefined();
        const codes: string[] | undefined = response['x-error-codes'];
        if (Number(status) < 400) continue;
        expect(codes, `${op.operationId} ${status}`).toBeDefined();
        for (const code of codes!)
          expect(code === 'INTERNAL_ERROR' ? 500 : statusOf[code as keyof typeof statusOf]).toBe(
            Number(status),
          );
        listed.push(...codes!);
        const json = response.content['application/json'];
        if (json) {
          const name = json.schema.$ref.split('/').pop();
          const schema = committed.components.schemas[name];
          expect(schema.properties.error.properties.code.enum, `${op.operationId} ${status}`).toEqual(codes);
        } else expect(route.page, `${op.operationId}: only pages answer errors as HTML`).toBe(true);
      }
      expect(listed.sort()).toEqual([...routeErrorCodes(route)].sort());
    }
    const publish = committed.paths['/policies/{policyId}/revisions'].post;
    expect(publish.responses['409']['x-error-codes']).toEqual(['NO_CHANGES', 'VERSION_CONFLICT']);
    expect(publish.responses['401']['x-error-codes']).toEqual(['UNAUTHENTICATED']);
    expect(committed.paths['/health'].get.responses['401']).toBeUndefined();
  });

  it('has examples for the main operations, each valid against its schema', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ $id: 'openapi.json', components: committed.components });
    const checked: string[] = [];
    for (const { op } of operationsOf(committed)) {
      const medias = [
        ['body', op.requestBody?.content?.['application/json']],
        ...Object.entries<OpenApiDocument>(op.responses).map(([s, r]) => [
          s,
          r.content?.['application/json'],
        ]),
      ] as const;
      for (const [where, media] of medias) {
        if (media?.example === undefined) continue;
        const v = ajv.compile({ $ref: `openapi.json${media.schema.$ref}` });
        expect(v(media.example), `${op.operationId} ${where}: ${ajv.errorsText(v.errors)}`).toBe(true);
        checked.push(`${op.operationId} ${where}`);
      }
    }
    for (const main of [
      'putCustomer body',
      'acknowledge body',
      'acknowledge 201',
      'status 200',
      'publishRevision body',
    ])
      expect(checked).toContain(main);
  });
});

describe('GET /openapi.json', () => {
  const req = { query: {}, params: {}, headers: {} } as unknown as ApiRequest;

  it('serves the committed document, with PUBLIC_BASE_URL as its server', async () => {
    const res = await readOperations.openapi!(req, {
      publicBaseUrl: 'https://policies.example.com',
    } as ReadDeps);
    expect(res.status).toBe(200);
    expect(res.contentType).toMatch(/^application\/json/);
    const served = JSON.parse(String(res.body));
    expect(served.servers).toEqual([{ url: 'https://policies.example.com' }]);
    expect({ ...served, servers: undefined }).toEqual({ ...committed, servers: undefined });
  });

  it('serves it without servers when no public base URL is configured', async () => {
    const res = await readOperations.openapi!(req, {} as ReadDeps);
    expect(JSON.parse(String(res.body))).toEqual(committed);
  });
});

describe('responseValidator', () => {
  const check = responseValidator(committed);
  const policy = {
    policyId: 'privacy',
    defaultLocale: 'vi',
    locales: ['vi'],
    currentVersion: 1,
    latestVersion: 1,
    upcoming: null,
    titles: { vi: 'Chính sách quyền riêng tư' },
  };
  const ok = (body: unknown, status = 200, path = '/policies/privacy') => ({
    method: 'GET',
    path,
    status,
    contentType: 'application/json; charset=utf-8',
    text: JSON.stringify(body),
  });

  it('accepts a documented response and names its operation', () => {
    expect(check(ok(policy))).toBe('getPolicy');
    expect(
      check(ok({ error: { code: 'NOT_FOUND', message: 'no such route', details: [] } }, 404, '/nope')),
    ).toBe('not-found');
  });

  it('rejects a field the document does not describe', () => {
    expect(() => check(ok({ ...policy, extra: 1 }))).toThrow(/does not match .*Policy/);
  });

  it('rejects a missing field and a wrong type', () => {
    const { upcoming: _u, ...rest } = policy;
    expect(() => check(ok(rest))).toThrow(/upcoming/);
    expect(() => check(ok({ ...policy, latestVersion: '1' }))).toThrow(/latestVersion/);
  });

  it('rejects an undocumented status and an error code not listed for the operation', () => {
    expect(() => check(ok({ error: { code: 'NO_CHANGES', message: 'x', details: [] } }, 409))).toThrow(
      /status 409 is not documented for getPolicy/,
    );
    expect(() => check(ok({ error: { code: 'FORBIDDEN', message: 'x', details: [] } }, 404))).toThrow(
      /FORBIDDEN is not listed/,
    );
  });

  it('rejects an undocumented content type', () => {
    expect(() => check({ ...ok(policy), contentType: 'text/html' })).toThrow(/content type 'text\/html'/);
  });
});

describe('breakingChanges', () => {
  const base = committed;

  it('finds none between a document and itself', () => {
    expect(breakingChanges(base, base)).toEqual([]);
  });

  it('flags a removed operation', () => {
    const after = clone(base);
    delete after.paths['/customers/{userId}'].delete;
    expect(breakingChanges(base, after)).toEqual([
      { kind: 'removed-operation', where: 'DELETE /customers/{userId} (deleteCustomer)' },
    ]);
  });

  it('flags a removed response field, also inside a shared component', () => {
    const after = clone(base);
    delete after.components.schemas.AcknowledgmentStatus.properties.mustAcknowledge;
    expect(breakingChanges(base, after)).toContainEqual({
      kind: 'removed-response-field',
      where: 'GET /users/{userId}/policies/{policyId}/status 200 mustAcknowledge',
    });
    const nested = clone(base);
    delete nested.components.schemas.Revision.properties.hash;
    expect(breakingChanges(base, nested).map((c) => c.where)).toContain(
      'GET /policies/{policyId}/revisions 200 revisions[].hash',
    );
  });

  it('flags a new required request field and a new required parameter', () => {
    const after = clone(base);
    const body = after.components.schemas['acknowledge.body'];
    body.properties.consentText = { type: 'string' };
    body.required.push('consentText');
    after.paths['/policies'].get.parameters = [{ name: 'tenant', in: 'query', required: true, schema: {} }];
    expect(breakingChanges(base, after)).toEqual([
      { kind: 'new-required-request-field', where: 'GET /policies query parameter tenant' },
      { kind: 'new-required-request-field', where: 'POST /users/{userId}/acknowledgments body consentText' },
    ]);
  });

  it('accepts new operations, new optional request fields and new response fields', () => {
    const after = clone(base);
    after.paths['/policies/{policyId}/retry'] = { post: { operationId: 'retry', responses: {} } };
    after.components.schemas['acknowledge.body'].properties.note = { type: 'string' };
    after.components.schemas.Revision.properties.format = { type: 'string' };
    expect(breakingChanges(base, after)).toEqual([]);
  });

  it('treats a major bump (a minor bump below 1.0) as announcing breaking changes', () => {
    expect(isBreakingVersionBump('1.4.0', '2.0.0')).toBe(true);
    expect(isBreakingVersionBump('1.4.0', '1.5.0')).toBe(false);
    expect(isBreakingVersionBump('0.1.0', '0.2.0')).toBe(true);
    expect(isBreakingVersionBump('0.1.0', '0.1.1')).toBe(false);
  });
});
