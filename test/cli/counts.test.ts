/**
 * `policyctl counts`: the summary over the API, and `--reconcile` against the local service's embedded
 * DynamoDB (main() in-process: the command's own code, without a spawn per case).
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Io, OutStream } from '../../bin/cli/context';
import { main } from '../../bin/cli/main';
import type { LocalService } from '../../bin/local/runtime';
import { createDocumentClient, createDynamoClient } from '../../functions/adapters/dynamodb/client';
import { countStore } from '../../functions/composition/stores';
import { call, startTestService, TOKENS } from '../support/service';

let service: LocalService;
beforeAll(async () => {
  service = await startTestService({ tablePrefix: 'cli-' });
  const pub = TOKENS.publisher;
  const published = await call(service, 'POST', '/policies/terms/revisions', {
    token: pub,
    body: { texts: { en: 'Terms one.' }, change: 'material', notify: false },
  });
  expect(published.status).toBe(201);
  for (const u of ['a', 'b', 'c'])
    expect(
      (
        await call(service, 'PUT', `/customers/${u}`, {
          token: TOKENS.app,
          body: { email: `${u}@example.com` },
        })
      ).status,
    ).toBe(201);
  await call(service, 'POST', '/users/a/acknowledgments', {
    token: TOKENS.app,
    body: { policyId: 'terms', version: 1 },
  });
});
afterAll(async () => service?.stop());

function sink(): OutStream & { text: string } {
  const s = {
    text: '',
    write(chunk: string) {
      s.text += chunk;
      return true;
    },
    once: () => s,
  };
  return s;
}

async function run(args: string[]) {
  const stdout = sink();
  const stderr = sink();
  const io: Io = {
    stdout,
    stderr,
    env: { POLICY_PUBLISHER_TOKEN: TOKENS.publisher, POLICY_API_URL: service.url },
    cwd: process.cwd(),
  };
  const code = await main(args, io);
  return { code, stdout: stdout.text, stderr: stderr.text };
}

describe('policyctl counts', () => {
  it('prints who must still acknowledge, from the counters', async () => {
    const r = await run(['counts', 'terms']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(
      'terms: 3 active customers, 1 acknowledged v1 or later, 2 pending\n  acknowledgments by version: v1: 1\n',
    );
  });

  it('--reconcile finds the counters exact, then corrects an injected drift', async () => {
    const args = ['counts', '--reconcile', '--dynamodb', service.dynamodbEndpoint, '--table-prefix', 'cli-'];
    const exact = await run(args);
    expect(exact).toMatchObject({ code: 0, stderr: '' });
    expect(exact.stdout).toBe('3 active customers\ncustomers: exact\npolicy terms: exact\n');

    const client = createDynamoClient({ endpoint: service.dynamodbEndpoint });
    await countStore({ doc: createDocumentClient(client), tables: service.tables }).correct('customers', {
      active: 4,
    });
    client.destroy();
    expect((await run(['counts', 'terms', '--json'])).stdout).toContain('"activeCustomers": 7');

    const fixed = await run(args);
    expect(fixed.stdout).toBe('3 active customers\ncustomers: corrected active -4\npolicy terms: exact\n');
    expect(JSON.parse((await run(['counts', 'terms', '--json'])).stdout).activeCustomers).toBe(3);
  });

  it('refuses a policy id together with --reconcile', async () => {
    const r = await run(['counts', 'terms', '--reconcile']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--reconcile takes no <policyId>/);
  });
});
