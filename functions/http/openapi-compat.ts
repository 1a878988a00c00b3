/**
 * Breaking changes between two versions of the OpenAPI document (docs/API.md, "Versioning"): removed
 * operations, removed success responses or response fields, and new required request fields or
 * parameters. New operations and new optional fields are compatible and not reported.
 */

// biome-ignore lint/suspicious/noExplicitAny: OpenAPI documents are plain JSON
type Json = any;

export interface BreakingChange {
  kind: 'removed-operation' | 'removed-response' | 'removed-response-field' | 'new-required-request-field';
  /** `GET /path` or the operation id, then the field path (`revisions[].version`). */
  where: string;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

function operations(doc: Json): Map<string, Json> {
  const out = new Map<string, Json>();
  for (const [path, item] of Object.entries<Json>(doc.paths ?? {}))
    for (const method of METHODS) if (item[method]) out.set(`${method.toUpperCase()} ${path}`, item[method]);
  return out;
}

function resolve(doc: Json, schema: Json): Json {
  let s = schema;
  for (let i = 0; s?.$ref && i < 20; i++) {
    const pointer = String(s.$ref).replace(/^#\//, '').split('/');
    s = pointer.reduce((node: Json, key: string) => node?.[key.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
  }
  return s ?? {};
}

/** Every field path a schema can produce; `required` limits it to fields that must be present. */
function fieldPaths(doc: Json, schema: Json, prefix: string, requiredOnly: boolean, depth = 0): Set<string> {
  const out = new Set<string>();
  const s = resolve(doc, schema);
  if (depth > 12) return out;
  for (const branch of [...(s.oneOf ?? []), ...(s.anyOf ?? []), ...(s.allOf ?? [])])
    for (const p of fieldPaths(doc, branch, prefix, requiredOnly, depth + 1)) out.add(p);
  const required = new Set<string>(s.required ?? []);
  for (const [name, sub] of Object.entries<Json>(s.properties ?? {})) {
    if (requiredOnly && !required.has(name)) continue;
    const path = prefix ? `${prefix}.${name}` : name;
    out.add(path);
    for (const p of fieldPaths(doc, sub, path, requiredOnly, depth + 1)) out.add(p);
  }
  if (s.items) for (const p of fieldPaths(doc, s.items, `${prefix}[]`, requiredOnly, depth + 1)) out.add(p);
  if (s.additionalProperties && typeof s.additionalProperties === 'object')
    for (const p of fieldPaths(doc, s.additionalProperties, `${prefix}{}`, requiredOnly, depth + 1))
      out.add(p);
  return out;
}

const jsonSchemaOf = (container: Json) => container?.content?.['application/json']?.schema;

export function breakingChanges(before: Json, after: Json): BreakingChange[] {
  const changes: BreakingChange[] = [];
  const afterOps = operations(after);
  for (const [key, old] of operations(before)) {
    const now = afterOps.get(key);
    if (!now) {
      changes.push({ kind: 'removed-operation', where: `${key} (${old.operationId})` });
      continue;
    }
    for (const [status, response] of Object.entries<Json>(old.responses ?? {})) {
      if (!/^2/.test(status)) continue;
      const current = now.responses?.[status];
      if (!current) {
        changes.push({ kind: 'removed-response', where: `${key} ${status}` });
        continue;
      }
      for (const type of Object.keys(response.content ?? {}))
        if (!current.content?.[type])
          changes.push({ kind: 'removed-response', where: `${key} ${status} ${type}` });
      const oldSchema = jsonSchemaOf(response);
      if (!oldSchema) continue;
      const kept = fieldPaths(after, jsonSchemaOf(current) ?? {}, '', false);
      for (const field of fieldPaths(before, oldSchema, '', false))
        if (!kept.has(field))
          changes.push({ kind: 'removed-response-field', where: `${key} ${status} ${field}` });
    }
    const wasRequired = fieldPaths(before, jsonSchemaOf(old.requestBody) ?? {}, '', true);
    const nowBody = jsonSchemaOf(now.requestBody);
    if (now.requestBody?.required && !old.requestBody?.required)
      changes.push({ kind: 'new-required-request-field', where: `${key} body` });
    for (const field of fieldPaths(after, nowBody ?? {}, '', true))
      if (!wasRequired.has(field))
        changes.push({ kind: 'new-required-request-field', where: `${key} body ${field}` });
    const oldParams = new Set<string>(
      (old.parameters ?? []).filter((p: Json) => p.required).map((p: Json) => `${p.in}:${p.name}`),
    );
    for (const p of now.parameters ?? [])
      if (p.required && !oldParams.has(`${p.in}:${p.name}`))
        changes.push({ kind: 'new-required-request-field', where: `${key} ${p.in} parameter ${p.name}` });
  }
  return changes;
}

/**
 * Whether `after` announces breaking changes relative to `before`: a higher major version, or while
 * the major is 0 (semver's initial development) a higher minor version.
 */
export function isBreakingVersionBump(before: string, after: string): boolean {
  const [bMajor = 0, bMinor = 0] = before.split('.').map(Number);
  const [aMajor = 0, aMinor = 0] = after.split('.').map(Number);
  if (aMajor !== bMajor) return aMajor > bMajor;
  return aMajor === 0 && aMinor > bMinor;
}
