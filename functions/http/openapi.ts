/**
 * The OpenAPI 3.1 document, generated from the route table (paths, methods, roles, operation ids) and the
 * contract (functions/http/contract.ts: zod schemas of bodies, queries and responses). `npm run openapi`
 * writes it to docs/openapi.json, which the read function serves at `GET /openapi.json`; a test fails
 * when the committed file differs from what this generates.
 */

import { readFileSync } from 'node:fs';
import { deflateRawSync } from 'node:zlib';
import type { ErrorCode } from '../domain/errors';
import * as z from '../domain/schema';
import { withoutTrailingSlashes } from '../domain/text';
import { statusOf } from './api';
import {
  contract,
  errorBody,
  type JsonResponse,
  namedSchemas,
  type OperationContract,
  pathParameters,
  type SuccessResponse,
  type TextResponse,
} from './contract';
import { type Route, routes } from './routes';

export type AnyErrorCode = ErrorCode | 'INTERNAL_ERROR';
// biome-ignore lint/suspicious/noExplicitAny: JSON Schema and OpenAPI objects are plain JSON
type Json = any;

const statusOfCode = (code: AnyErrorCode) => (code === 'INTERNAL_ERROR' ? 500 : statusOf[code]);
export const ALL_ERROR_CODES = [...(Object.keys(statusOf) as ErrorCode[]), 'INTERNAL_ERROR'] as const;

export const pathParameterNames = (path: string) => [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);

/** The contract entry of a route; throws, naming the route, when there is none. */
export function contractOf(route: Pick<Route, 'op' | 'method' | 'path'>): OperationContract {
  const entry = (contract as Record<string, OperationContract>)[route.op];
  if (!entry)
    throw new Error(
      `route ${route.method} ${route.path} (operation ${route.op}) has no entry in functions/http/contract.ts`,
    );
  return entry;
}

/**
 * The error codes an operation can answer: those every route of its kind can (bad path or query values,
 * unknown ids, missing or wrong token, body limits, faults) plus the contract's own.
 */
export function routeErrorCodes(route: Route, entry: OperationContract = contractOf(route)): AnyErrorCode[] {
  const codes = new Set<AnyErrorCode>();
  const hasParams = pathParameterNames(route.path).length > 0;
  if (entry.body || hasParams || entry.query) codes.add('VALIDATION_FAILED');
  if (route.role !== 'public') {
    codes.add('UNAUTHENTICATED');
    codes.add('FORBIDDEN');
  }
  if (hasParams) codes.add('NOT_FOUND');
  if (entry.body) {
    codes.add('PAYLOAD_TOO_LARGE');
    codes.add('UNSUPPORTED_MEDIA_TYPE');
  }
  for (const code of entry.errors ?? []) codes.add(code);
  codes.add('INTERNAL_ERROR');
  return ALL_ERROR_CODES.filter((c) => codes.has(c));
}

const isJson = (r: SuccessResponse): r is JsonResponse => 'schema' in r;
const textTypes = (r: SuccessResponse) => ('text' in r ? (r as TextResponse).text : []);
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const requestIdHeader = { 'x-request-id': { $ref: '#/components/headers/RequestId' } };

/** Converts a registry of named zod schemas; references between them become `#/components/schemas/…`. */
function convert(entries: [string, z.ZodMiniType][], io: 'input' | 'output'): Record<string, Json> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of entries) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, {
    io,
    target: 'draft-2020-12',
    unrepresentable: 'any',
    uri: (id) => `#/components/schemas/${id}`,
  }) as { schemas: Record<string, Json> };
  for (const schema of Object.values(schemas)) {
    delete schema.$schema;
    delete schema.$id;
  }
  return schemas;
}

/** A standalone schema (query parameters): inline. */
function inline(schema: z.ZodMiniType): Json {
  const out = z.toJSONSchema(schema, {
    io: 'output',
    target: 'draft-2020-12',
    unrepresentable: 'any',
  }) as Json;
  delete out.$schema;
  return out;
}

/** `Error` for the shape with every code (unmatched requests), `Error.<CODE>.<CODE>` for an operation's. */
export const errorSchemaName = (codes: readonly string[]) =>
  codes.length === ALL_ERROR_CODES.length ? 'Error' : `Error.${codes.join('.')}`;

export interface DocumentOptions {
  /** `info.version`: the package version. */
  version: string;
  /** The deployment's public base URL, when known: the document's `servers` entry. */
  publicBaseUrl?: string | undefined;
}

export function buildOpenApiDocument(opts: DocumentOptions): Json {
  const nameOf = new Map<z.ZodMiniType, string>(
    Object.entries(namedSchemas).map(([name, schema]) => [schema as z.ZodMiniType, name]),
  );
  const outputs: [string, z.ZodMiniType][] = Object.entries(namedSchemas);
  const inputs: [string, z.ZodMiniType][] = [];
  const schemaName = (schema: z.ZodMiniType, fallback: string) => {
    const known = nameOf.get(schema);
    if (known) return known;
    nameOf.set(schema, fallback);
    outputs.push([fallback, schema]);
    return fallback;
  };
  const errorSchema = (codes: readonly AnyErrorCode[]) => {
    const name = errorSchemaName(codes);
    if (!outputs.some(([n]) => n === name)) outputs.push([name, errorBody(codes as [string, ...string[]])]);
    return name;
  };
  errorSchema(ALL_ERROR_CODES);

  const paths: Record<string, Record<string, Json>> = {};
  for (const route of routes as readonly Route[]) {
    const entry = contractOf(route);
    const parameters: Json[] = pathParameterNames(route.path).map((name) => {
      const schema = entry.params?.[name] ?? pathParameters[name];
      if (!schema) throw new Error(`path parameter {${name}} of ${route.path} has no schema`);
      return { name, in: 'path', required: true, schema: inline(schema) };
    });
    for (const [name, q] of Object.entries(entry.query ?? {}))
      parameters.push({
        name,
        in: 'query',
        required: false,
        description: q.description,
        schema: inline(q.schema),
      });

    const responses: Record<string, Json> = {};
    for (const [status, response] of Object.entries(entry.responses) as [string, SuccessResponse][]) {
      const content: Record<string, Json> = {};
      if (isJson(response)) {
        const media: Json = { schema: ref(schemaName(response.schema, `${route.op}.${status}`)) };
        if (response.example !== undefined) media.example = response.example;
        content['application/json'] = media;
      }
      for (const type of textTypes(response)) content[type] = { schema: { type: 'string' } };
      responses[status] = {
        description: response.description,
        headers: requestIdHeader,
        ...(Object.keys(content).length > 0 ? { content } : {}),
      };
    }
    const byStatus = new Map<number, AnyErrorCode[]>();
    for (const code of routeErrorCodes(route, entry)) {
      const status = statusOfCode(code);
      byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
    }
    for (const [status, codes] of [...byStatus].sort(([a], [b]) => a - b)) {
      responses[String(status)] = {
        description: codes.join(', '),
        'x-error-codes': codes,
        headers: requestIdHeader,
        content: route.page
          ? { 'text/html': { schema: { type: 'string' } } }
          : { 'application/json': { schema: ref(errorSchema(codes)) } },
      };
    }

    const operation: Json = {
      operationId: route.op,
      summary: entry.summary,
      tags: [route.fn],
      'x-role': route.role,
      security: route.role === 'public' ? [] : [{ bearer: [] }],
    };
    if (parameters.length > 0) operation.parameters = parameters;
    if (entry.body) {
      const name = `${route.op}.body`;
      inputs.push([name, entry.body]);
      const media: Json = { schema: ref(name) };
      if (entry.bodyExample !== undefined) media.example = entry.bodyExample;
      operation.requestBody = { required: true, content: { 'application/json': media } };
    }
    operation.responses = responses;
    paths[route.path] ??= {};
    paths[route.path]![route.method.toLowerCase()] = operation;
  }

  const schemas = { ...convert(outputs, 'output'), ...convert(inputs, 'input') };
  return {
    openapi: '3.1.0',
    info: {
      title: 'policy-notify API',
      version: opts.version,
      description:
        'Policy versioning and change notification. Prose, decisions and versioning rules: docs/API.md. ' +
        'Errors are `{"error": {"code", "message", "details"}}`; each operation lists its codes per status ' +
        '(`x-error-codes`). A known path asked with another method answers 405 METHOD_NOT_ALLOWED with an ' +
        '`Allow` header; an unknown path 404 NOT_FOUND. `x-role` names the role an operation needs ' +
        '(`public`, `app` or `publisher`); tokens of another role get 403.',
    },
    ...(opts.publicBaseUrl ? { servers: [{ url: withoutTrailingSlashes(opts.publicBaseUrl) }] } : {}),
    paths,
    components: {
      schemas: Object.fromEntries(Object.entries(schemas).sort(([a], [b]) => a.localeCompare(b))),
      headers: {
        RequestId: {
          description: 'The request’s id (API Gateway’s in AWS): quote it when reporting a problem.',
          schema: { type: 'string' },
        },
      },
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'An app or publisher token; the operation’s `x-role` says which.',
        },
      },
    },
  };
}

/** The document docs/openapi.json holds: no `servers` (the served copy adds the deployment's). */
export function generatedDocumentText(): string {
  return `${JSON.stringify(buildOpenApiDocument({ version: packageVersion() }), null, 2)}\n`;
}

/** The module the read function serves the document from (functions/http/served-document.ts). */
export function generatedServedModule(): string {
  const minified = JSON.stringify(buildOpenApiDocument({ version: packageVersion() }));
  // Deflated and in base64 (a seventh of the JSON): the read function's bundle stays small.
  const packed = deflateRawSync(Buffer.from(minified, 'utf8'), { level: 9 }).toString('base64');
  return `// Generated by \`npm run openapi\` from the route table and functions/http/contract.ts: do not edit.\n// The document as minified JSON, deflated (raw) and in base64.\nexport default ${JSON.stringify(packed)};\n`;
}

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}
