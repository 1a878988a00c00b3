/**
 * The one route table (DESIGN.md decision 1). The local server routes and checks roles from it, the CDK
 * stack builds API Gateway routes and authorizers from it, and docs/API.md's route list is checked
 * against it by a test. Nothing about a route is written anywhere else.
 *
 * `fn` names the Lambda function that serves the route: routes are grouped by the privileges they need,
 * so each function is granted only the tables its routes touch (functions/composition/needs.ts).
 */
export type Role = 'public' | 'app' | 'publisher';
export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
export type FunctionName = 'read' | 'publish' | 'customers' | 'acknowledgments' | 'compliance';

export interface Route {
  method: Method;
  path: string;
  role: Role;
  fn: FunctionName;
  /** Operation name: the key of the handler's operation map, and the route's id in the docs. */
  op: string;
  /** A page for people (HTML): errors are answered as a small HTML page rather than JSON. */
  page?: boolean;
  /**
   * A POST that is safe to repeat (the repeat changes nothing): clients may retry it after a 5xx or a
   * dropped connection, as they do every GET, PUT and DELETE.
   */
  idempotent?: boolean;
}

export const routes = [
  { method: 'GET', path: '/health', role: 'public', fn: 'read', op: 'health' },
  { method: 'GET', path: '/openapi.json', role: 'public', fn: 'read', op: 'openapi' },
  { method: 'GET', path: '/policies', role: 'public', fn: 'read', op: 'listPolicies' },
  { method: 'GET', path: '/policies/{policyId}', role: 'public', fn: 'read', op: 'getPolicy' },
  { method: 'GET', path: '/policies/{policyId}/revisions', role: 'public', fn: 'read', op: 'listRevisions' },
  {
    method: 'GET',
    path: '/policies/{policyId}/revisions/{version}',
    role: 'public',
    fn: 'read',
    op: 'getRevision',
  },
  {
    method: 'POST',
    path: '/policies/{policyId}/revisions',
    role: 'publisher',
    fn: 'publish',
    op: 'publishRevision',
  },
  {
    method: 'GET',
    path: '/policies/{policyId}/settings',
    role: 'publisher',
    fn: 'publish',
    op: 'getPolicySettings',
  },
  {
    method: 'PUT',
    path: '/policies/{policyId}/settings',
    role: 'publisher',
    fn: 'publish',
    op: 'putPolicySettings',
  },
  {
    method: 'GET',
    path: '/policies/{policyId}/revisions/{version}/notification',
    role: 'publisher',
    fn: 'publish',
    op: 'notificationStatus',
  },
  {
    method: 'POST',
    path: '/policies/{policyId}/revisions/{version}/notification/retry',
    role: 'publisher',
    fn: 'publish',
    op: 'retryNotification',
  },
  { method: 'GET', path: '/suppressions', role: 'publisher', fn: 'publish', op: 'listSuppressions' },
  {
    method: 'DELETE',
    path: '/suppressions/{hash}',
    role: 'publisher',
    fn: 'publish',
    op: 'liftSuppression',
  },
  { method: 'GET', path: '/policies/{policyId}/diff', role: 'public', fn: 'read', op: 'diff' },
  { method: 'GET', path: '/p/{policyId}', role: 'public', fn: 'read', op: 'policyPage', page: true },
  {
    method: 'GET',
    path: '/p/{policyId}/v/{version}',
    role: 'public',
    fn: 'read',
    op: 'versionPage',
    page: true,
  },
  { method: 'GET', path: '/p/{policyId}/changes', role: 'public', fn: 'read', op: 'changesPage', page: true },
  { method: 'GET', path: '/p/{policyId}/feed.atom', role: 'public', fn: 'read', op: 'feed', page: true },
  { method: 'PUT', path: '/customers/{userId}', role: 'app', fn: 'customers', op: 'putCustomer' },
  { method: 'GET', path: '/customers/{userId}', role: 'app', fn: 'customers', op: 'getCustomer' },
  { method: 'DELETE', path: '/customers/{userId}', role: 'app', fn: 'customers', op: 'deleteCustomer' },
  {
    method: 'POST',
    path: '/users/{userId}/acknowledgments',
    role: 'app',
    fn: 'acknowledgments',
    op: 'acknowledge',
    idempotent: true,
  },
  {
    method: 'GET',
    path: '/users/{userId}/acknowledgments',
    role: 'app',
    fn: 'acknowledgments',
    op: 'listAcknowledgments',
  },
  {
    method: 'GET',
    path: '/users/{userId}/policies/{policyId}/status',
    role: 'app',
    fn: 'acknowledgments',
    op: 'status',
  },
  {
    method: 'GET',
    path: '/policies/{policyId}/acknowledgments',
    role: 'publisher',
    fn: 'compliance',
    op: 'exportAcknowledgments',
  },
  {
    method: 'GET',
    path: '/policies/{policyId}/acknowledgments/summary',
    role: 'publisher',
    fn: 'compliance',
    op: 'acknowledgmentSummary',
  },
  { method: 'GET', path: '/users/{userId}/timeline', role: 'app', fn: 'compliance', op: 'timeline' },
  {
    method: 'GET',
    path: '/users/{userId}/acknowledgments/{policyId}/{version}/receipt',
    role: 'app',
    fn: 'compliance',
    op: 'receipt',
    page: true,
  },
  { method: 'GET', path: '/console', role: 'public', fn: 'read', op: 'console', page: true },
  { method: 'GET', path: '/console/app.js', role: 'public', fn: 'read', op: 'consoleScript' },
  { method: 'GET', path: '/console/session', role: 'publisher', fn: 'read', op: 'consoleSession' },
] as const satisfies readonly Route[];

export type OperationName = (typeof routes)[number]['op'];

export const routeKey = (r: Pick<Route, 'method' | 'path'>) => `${r.method} ${r.path}`;

/** Compiled matchers for the local server (API Gateway does this matching in AWS). */
const compiled = routes.map((route) => {
  const names: string[] = [];
  const pattern = route.path.replace(/\{(\w+)\}/g, (_m, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { route: route as Route, regex: new RegExp(`^${pattern}$`), names };
});

/**
 * A GET under the public pages' prefix: a person following a link. Such a request that no route takes
 * is answered with the 404 page (in the reader's language), not the JSON error (http/api.ts).
 */
export const isPageAddress = (method: string, path: string) => method === 'GET' && path.startsWith('/p/');

export type RouteMatch =
  | { kind: 'found'; route: Route; pathParameters: Record<string, string> }
  | { kind: 'method-not-allowed'; allowed: Method[] }
  | { kind: 'not-found' };

export function matchRoute(method: string, path: string): RouteMatch {
  const allowed: Method[] = [];
  for (const { route, regex, names } of compiled) {
    const m = regex.exec(path);
    if (!m) continue;
    if (route.method !== method) {
      allowed.push(route.method);
      continue;
    }
    let pathParameters: Record<string, string>;
    try {
      pathParameters = Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1]!)]));
    } catch {
      return { kind: 'not-found' };
    }
    return { kind: 'found', route, pathParameters };
  }
  return allowed.length > 0 ? { kind: 'method-not-allowed', allowed } : { kind: 'not-found' };
}
