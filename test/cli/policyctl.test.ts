/**
 * The real binary (node bin/policyctl.mjs, which runs the prebuilt bundle) against a local service
 * started here. Spawns cost a few hundred milliseconds each, so every test spawns as few as it can.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../bin/cli/csv';
import type { LocalService } from '../../bin/local/runtime';
import { normalizeText } from '../../functions/domain/text';
import { fixtureEn, fixtureVi, fixtureViRevised } from '../support/fixtures';
import { call, dumpTables, startTestService, TOKENS } from '../support/service';

const BIN = fileURLToPath(new URL('../../bin/policyctl.mjs', import.meta.url));

// Emails wait at this gate until a test opens it, so `notification --watch` is seen mid-campaign.
let openEmailGate!: () => void;
const emailGate = new Promise<void>((resolve) => {
  openEmailGate = resolve;
});

let service: LocalService;
let dir: string;
beforeAll(async () => {
  [service, dir] = await Promise.all([
    startTestService({ notifications: { pacer: { take: () => emailGate, throttled: () => {} } } }),
    mkdtemp(join(tmpdir(), 'policyctl-')),
  ]);
});
afterAll(async () => {
  await service?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Starts policyctl in the temp directory with the service's URL and both role tokens in the environment. */
function start(args: string[], env: Record<string, string | undefined> = {}) {
  const base = { ...process.env };
  for (const key of Object.keys(base)) if (key.startsWith('POLICY_')) delete base[key];
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: dir,
    env: {
      ...base,
      POLICY_API_URL: service.url,
      POLICY_APP_TOKEN: TOKENS.app,
      POLICY_PUBLISHER_TOKEN: TOKENS.publisher,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = { stdout: '', stderr: '' };
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    out.stdout += d;
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    out.stderr += d;
  });
  const done = new Promise<Run>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, ...out }));
  });
  return { out, done };
}

const policyctl = (args: string[], env: Record<string, string | undefined> = {}) => start(args, env).done;

async function until(condition: () => boolean, what: string, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const file = async (name: string, content: string) => {
  await writeFile(join(dir, name), content);
  return name;
};

async function publishViaApi(policyId: string, body: Record<string, unknown>) {
  const res = await call(service, 'POST', `/policies/${policyId}/revisions`, {
    token: TOKENS.publisher,
    // No emails unless a test asks for them: they would keep the service busy for the other tests.
    body: { texts: { vi: fixtureVi }, change: 'material', notify: false, ...body },
  });
  expect(res.status).toBe(201);
  return res.json;
}

describe('policyctl publish', () => {
  it('publishes a revision from Vietnamese and English text files', async () => {
    // A Windows editor's file: BOM and CRLF line ends; the service normalises, the CLI drops the BOM.
    const vi = await file('v1.vi.txt', `\ufeff${fixtureVi.replace(/\n/g, '\r\n')}`);
    const en = await file('v1.en.txt', fixtureEn);
    const summary = await file('summary.vi.txt', 'Phiên bản đầu tiên của chính sách\n');

    const run = await policyctl([
      'publish',
      'cli-publish',
      '--text',
      `vi=${vi}`,
      '--text',
      `en=${en}`,
      '--material',
      '--summary-file',
      `vi=${summary}`,
      '--summary',
      'en=First version',
      '--no-notify',
    ]);

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const stored = await call(service, 'GET', '/policies/cli-publish/revisions/1?locale=vi');
    expect(stored.json).toMatchObject({
      version: 1,
      change: 'material',
      locales: ['vi', 'en'],
      defaultLocale: 'vi',
      summary: { vi: 'Phiên bản đầu tiên của chính sách', en: 'First version' },
      notify: false,
      text: normalizeText(fixtureVi),
    });
    expect(run.stdout).toContain(
      'published “Chính sách bảo mật của Công ty TNHH Sao Mai Digital” (cli-publish) v1 (material)',
    );
    expect(run.stdout).toContain(stored.json.hash);
    expect(run.stdout).toContain(stored.json.effectiveAt);
  });

  it('previews a dry run with the changed section and its words, and stores nothing', async () => {
    await publishViaApi('cli-dry-run', {});
    const vi = await file('v2.vi.txt', fixtureViRevised);

    const run = await policyctl(['publish', 'cli-dry-run', '--text', `vi=${vi}`, '--minor', '--dry-run']);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      'dry run: “Chính sách bảo mật của Công ty TNHH Sao Mai Digital” (cli-dry-run) would become v2 (minor, against v1',
    );
    expect(run.stdout).toContain('[vi] 1 section changed, +1 -1 lines');
    expect(run.stdout).toMatch(/modified +6\.1 Nhà cung cấp dịch vụ\n +\+ "nghiêm ngặt"/);
    expect(run.stdout).not.toContain('Mục đích sử dụng'); // an unchanged section
    const revisions = await call(service, 'GET', '/policies/cli-dry-run/revisions');
    expect(revisions.json.revisions.map((r: { version: number }) => r.version)).toEqual([1]);
  });
});

describe('policyctl customers import', () => {
  // 90 s: each registration also updates the customer counters (two more DynamoDB writes), and this file
  // shares two cores with the whole suite.
  it('registers the good rows of a 1,000-row CSV, reports the bad ones by row number and exits 3', {
    timeout: 60_000,
  }, async () => {
    const lines = ['\ufeffuserId,email,locale,name'];
    const bad: Record<number, string> = {
      10: 'imp-0010,not-an-email,vi,Bad Email',
      20: 'imp-0020,u20@example.vn,vi,"Nguyễn\r\nVăn An"', // a quoted line break: one row over two lines
      30: 'imp-0030,,vi,No Email',
      40: 'bad user 40,u40@example.vn,vi,Bad Id',
      50: 'userId,email,locale,name', // a second file pasted below the first
      60: 'imp-0060,u60@example.vn,vi',
      70: 'imp-0001,again@example.vn,vi,Duplicate',
      80: 'imp-0080,u80@example.vn,vi,Nguyen "Bob" An',
    };
    for (let i = 1; i <= 1000; i++) {
      const id = `imp-${String(i).padStart(4, '0')}`;
      lines.push(bad[i] ?? `${id},u${i}@example.vn,${i % 2 ? 'vi' : 'en'},"Trần, Thị ${i}"`);
    }
    lines.push('', ''); // trailing blank lines are not rows
    const csv = await file('customers.csv', lines.join('\r\n'));

    // A service of its own: the customers registered here would otherwise get the other tests' emails.
    const own = await startTestService();
    try {
      const run = await policyctl(
        ['customers', 'import', csv, '--concurrency', '16', '--report', 'rejected.csv'],
        { POLICY_API_URL: own.url },
      );

      expect(run.stderr).toContain('imported 992, rejected 8 (created 992, updated 0)');
      expect(run.code).toBe(3);
      const report = parseCsv(await readFile(join(dir, 'rejected.csv'), 'utf8')).map((r) => r.fields);
      expect(report[0]).toEqual(['row', 'line', 'userId', 'code', 'message']);
      // Rows as a spreadsheet numbers them (header = row 1); after the two-line row, lines run one ahead.
      expect(report.slice(1).map(([row, line, userId, code]) => [row, line, userId, code])).toEqual([
        ['11', '11', 'imp-0010', 'VALIDATION_FAILED'],
        ['21', '21', 'imp-0020', 'VALIDATION_FAILED'],
        ['31', '32', 'imp-0030', 'MISSING_FIELD'],
        ['41', '42', 'bad user 40', 'VALIDATION_FAILED'],
        ['51', '52', 'userId', 'CSV_REPEATED_HEADER'],
        ['61', '62', 'imp-0060', 'CSV_FIELD_COUNT'],
        ['71', '72', 'imp-0001', 'DUPLICATE_USER'],
        ['81', '82', 'imp-0080', 'CSV_MALFORMED'],
      ]);
      expect(report[1]![4]).toContain('email: not a valid email address');
      expect(report[2]![4]).toContain('name: must not contain CR, LF or NUL');

      const customer = async (id: string) => call(own, 'GET', `/customers/${id}`, { token: TOKENS.app });
      expect((await customer('imp-0001')).json).toMatchObject({
        email: 'u1@example.vn',
        locale: 'vi',
        name: 'Trần, Thị 1',
      });
      expect((await customer('imp-1000')).json).toMatchObject({ email: 'u1000@example.vn', locale: 'en' });
      expect((await customer('imp-0020')).status).toBe(404);
      expect((await customer('imp-0010')).status).toBe(404);
      const items = (await dumpTables(own)).customers as { pk: { S: string } }[];
      expect(items.filter((item) => item.pk.S.startsWith('CUSTOMER#imp-')).length).toBe(992);
    } finally {
      await own.stop();
    }
  });
});

describe('policyctl export acknowledgments', () => {
  it('exports as jsonl and as csv exactly what was recorded', async () => {
    await publishViaApi('cli-export', {});
    const recorded = [];
    const evidences = [
      { ip: '203.0.113.7', userAgent: 'Mozilla/5.0 (X11; Linux), "quoted"' },
      { sessionId: 'phiên-1,2' },
      {},
    ];
    for (const [i, evidence] of evidences.entries()) {
      const res = await call(service, 'POST', `/users/exp-${i}/acknowledgments`, {
        token: TOKENS.app,
        body: { policyId: 'cli-export', version: 1, locale: 'vi', channel: 'web', evidence },
      });
      expect(res.status).toBe(201);
      recorded.push(res.json);
    }
    const byUser = (a: { userId: string }, b: { userId: string }) => a.userId.localeCompare(b.userId);
    recorded.sort(byUser);

    // Page size 2: three records take two pages, so the cursor is followed.
    const [jsonl, csv] = await Promise.all([
      policyctl([
        'export',
        'acknowledgments',
        'cli-export',
        '--format',
        'jsonl',
        '--out',
        'acks.jsonl',
        '--page-size',
        '2',
      ]),
      policyctl(['export', 'acknowledgments', 'cli-export', '--format', 'csv', '--page-size', '2']),
    ]);

    expect(jsonl.stderr).toContain('exported 3 acknowledgments of cli-export to acks.jsonl');
    expect(jsonl.code).toBe(0);
    const lines = (await readFile(join(dir, 'acks.jsonl'), 'utf8')).split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((line) => JSON.parse(line)).sort(byUser)).toEqual(recorded);

    expect(csv.code).toBe(0);
    const [header, ...rows] = parseCsv(csv.stdout).map((r) => r.fields);
    expect(header).toEqual([
      'userId',
      'policyId',
      'version',
      'locale',
      'contentHash',
      'acknowledgedAt',
      'channel',
      'receiptId',
      'evidence',
    ]);
    const parsed = rows.map((fields) => {
      const o: Record<string, string> = Object.fromEntries(header!.map((h, i) => [h, fields[i] ?? '']));
      return { ...o, userId: o.userId!, version: Number(o.version), evidence: JSON.parse(o.evidence!) };
    });
    expect(parsed.sort(byUser)).toEqual(recorded.map((r) => ({ ...r, evidence: r.evidence ?? {} })));
    expect(csv.stdout).toContain(
      '"{""ip"":""203.0.113.7"",""userAgent"":""Mozilla/5.0 (X11; Linux), \\""quoted\\""""}"',
    );
  });
});

describe('policyctl errors', () => {
  it('explains each failure in one line on stderr with its exit code, never showing the token', async () => {
    await publishViaApi('cli-errors', {});
    const vi = await file('errors.vi.txt', fixtureVi);
    const closedPort = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const publishArgs = ['publish', 'cli-errors', '--text', `vi=${vi}`, '--minor'];

    const [unreachable, wrongToken, noChanges, usage] = await Promise.all([
      policyctl(['status', 'u1', 'cli-errors'], { POLICY_API_URL: `http://127.0.0.1:${closedPort}` }),
      policyctl([...publishArgs, '--token', 'not-the-token']),
      policyctl(publishArgs),
      policyctl(['publish', 'cli-errors', '--text', `vi=${vi}`]),
    ]);

    expect(unreachable.stderr).toBe(
      `error: cannot reach http://127.0.0.1:${closedPort}: connection refused (is the service running? start it with npm start)\n`,
    );
    expect(unreachable.code).toBe(1);
    expect(wrongToken.stderr).toBe('error: 401 UNAUTHENTICATED — a valid bearer token is required\n');
    expect(wrongToken.code).toBe(1);
    expect(noChanges.stderr).toBe("error: 409 NO_CHANGES — every text equals version 1's\n");
    expect(noChanges.code).toBe(1);
    expect(usage.stderr).toBe(
      'error: pass exactly one of --material or --minor (see policyctl publish --help)\n',
    );
    expect(usage.code).toBe(2);
    for (const run of [unreachable, wrongToken, noChanges, usage]) {
      expect(run.stdout).toBe('');
      expect(run.stderr).not.toContain(TOKENS.publisher);
      expect(run.stderr).not.toContain('not-the-token');
    }
  });
});

describe('policyctl notification --watch', () => {
  it('follows the emails of a notified revision and exits 0 once they are all sent', async () => {
    for (const id of ['watch-1', 'watch-2']) {
      const res = await call(service, 'PUT', `/customers/${id}`, {
        token: TOKENS.app,
        body: { email: `${id}@example.vn`, locale: 'vi', name: 'Người xem' },
      });
      expect(res.status).toBe(201);
    }
    const revision = await publishViaApi('cli-watch', { notify: true });

    const watch = start([
      'notification',
      'cli-watch',
      String(revision.version),
      '--watch',
      '--interval',
      '0.2',
      '--timeout',
      '20',
      '--json',
    ]);
    // Not on a terminal, the watch prints a plain progress line per poll while the emails wait.
    await until(
      () => /progress: \d+\/\d+ emails, (pending|sending)/.test(watch.out.stderr),
      'a progress line',
    );
    expect(
      await Promise.race([watch.done, new Promise((r) => setTimeout(() => r('still watching'), 500))]),
    ).toBe('still watching');
    openEmailGate();
    const run = await watch.done;

    expect(run.code).toBe(0);
    const final = JSON.parse(run.stdout);
    expect(final).toMatchObject({ status: 'completed', total: 2, sent: 2, failed: 0, suppressed: 0 });
  });
});
