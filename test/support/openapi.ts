/**
 * Holds every HTTP response the tests receive to docs/openapi.json: `call` (test/support/service.ts)
 * passes each response here, and a response whose status, content type or body the document does not
 * describe for that operation fails the test that received it. Validation uses ajv (JSON Schema
 * 2020-12), independent of the zod schemas the document was generated from.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll } from 'vitest';
import { isPageAddress, matchRoute } from '../../functions/http/routes';

// biome-ignore lint/suspicious/noExplicitAny: the document is plain JSON
export type OpenApiDocument = any;

export const DOCUMENT_PATH = new URL('../../docs/openapi.json', import.meta.url);

/** A validator of responses against a document (the committed one unless given). */
export function responseValidator(document: OpenApiDocument) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: 'openapi.json', components: document.components });
  const compiled = new Map<string, ReturnType<typeof ajv.compile>>();
  const validatorFor = (ref: string) => {
    let v = compiled.get(ref);
    if (!v) {
      v = ajv.compile({ $ref: `openapi.json${ref}` });
      compiled.set(ref, v);
    }
    return v;
  };
  const errorRef = '#/components/schemas/Error';

  /** Throws, saying what differs, when the document does not describe this response. */
  return function check(res: {
    method: string;
    path: string;
    status: number;
    contentType: string | null;
    text: string;
  }): string {
    const path = res.path.split('?')[0]!;
    const where = `${res.method} ${path} → ${res.status}`;
    const type = (res.contentType ?? '').split(';')[0]!.trim().toLowerCase();
    const match = matchRoute(res.method, path);
    let schemaRef: string | undefined;
    let operationId: string;
    if (match.kind === 'found') {
      const operation = document.paths?.[match.route.path]?.[res.method.toLowerCase()];
      if (!operation) throw new Error(`${where}: the OpenAPI document has no operation ${match.route.op}`);
      operationId = operation.operationId;
      const response = operation.responses?.[String(res.status)];
      if (!response)
        throw new Error(
          `${where}: status ${res.status} is not documented for ${operationId} (documented: ${Object.keys(operation.responses).join(', ')})`,
        );
      if (!response.content) {
        if (res.text !== '') throw new Error(`${where}: ${operationId} documents no body, got one`);
        return operationId;
      }
      const media = response.content[type];
      if (!media)
        throw new Error(
          `${where}: content type '${type}' is not documented for ${operationId} ${res.status} (documented: ${Object.keys(response.content).join(', ')})`,
        );
      if (type !== 'application/json') return operationId;
      schemaRef = media.schema?.$ref;
      if (!schemaRef)
        throw new Error(`${where}: ${operationId} ${res.status} has a JSON body without a schema`);
      const codes: string[] | undefined = response['x-error-codes'];
      if (codes) {
        const code = safeJson(res.text)?.error?.code;
        if (!codes.includes(code))
          throw new Error(
            `${where}: error code ${code} is not listed for ${operationId} (${codes.join(', ')})`,
          );
      }
    } else {
      // No operation takes the request: the shared error shape (404 unknown path, 405 other method),
      // except a GET under /p/, a person's mistyped link, which gets the 404 page (docs/API.md).
      operationId = match.kind;
      if (match.kind === 'not-found' && isPageAddress(res.method, path)) {
        if (res.status !== 404 || type !== 'text/html')
          throw new Error(`${where}: expected the 404 page (text/html), got ${res.status} '${type}'`);
        return operationId;
      }
      if (type !== 'application/json') throw new Error(`${where}: expected a JSON error, got '${type}'`);
      schemaRef = errorRef;
    }
    const body = safeJson(res.text);
    if (body === undefined) throw new Error(`${where}: the body is not JSON`);
    const validate = validatorFor(schemaRef);
    if (!validate(body)) {
      const problems = (validate.errors ?? [])
        .slice(0, 5)
        .map((e) => `${e.instancePath || '/'} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`)
        .join('; ');
      throw new Error(`${where}: the body does not match ${schemaRef} of the OpenAPI document: ${problems}`);
    }
    return operationId;
  };
}

function safeJson(text: string) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

let committed: ReturnType<typeof responseValidator> | undefined;
const seen = { responses: 0, operations: new Set<string>() };

/** Checks one response of an HTTP test against docs/openapi.json and counts it. */
export function checkAgainstDocument(res: Parameters<ReturnType<typeof responseValidator>>[0]): void {
  committed ??= responseValidator(JSON.parse(readFileSync(DOCUMENT_PATH, 'utf8')));
  seen.operations.add(committed(res));
  seen.responses++;
}

/**
 * The count, printed for each test file and added up by the global teardown (test/support/openapi-count.ts)
 * for the whole run.
 */
afterAll(() => {
  if (seen.responses === 0) return;
  console.log(
    `openapi: ${seen.responses} responses (${seen.operations.size} operations) validated against docs/openapi.json`,
  );
  const dir = process.env.OPENAPI_COUNT_DIR;
  if (dir) appendFileSync(join(dir, `${process.pid}.txt`), `${seen.responses}\n`);
  seen.responses = 0;
  seen.operations.clear();
});
