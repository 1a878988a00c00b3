import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { routes } from '../../functions/http/routes';

describe('docs/API.md', () => {
  it('lists exactly the routes of the route table, with their roles', () => {
    const doc = readFileSync(new URL('../../docs/API.md', import.meta.url), 'utf8');
    const block = doc.split('<!-- routes:start -->')[1]?.split('<!-- routes:end -->')[0] ?? '';
    const documented = [
      ...block.matchAll(/^\|\s*(GET|POST|PUT|DELETE)\s*\|\s*`([^`]+)`\s*\|\s*(\w+)\s*\|$/gm),
    ].map((m) => `${m[1]} ${m[2]} ${m[3]}`);
    expect(documented.sort()).toEqual(routes.map((r) => `${r.method} ${r.path} ${r.role}`).sort());
  });
});
