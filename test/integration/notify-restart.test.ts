/**
 * Campaigns that always finish: a lost send batch is put on the queue again by the sweeper, and the
 * local service killed with SIGKILL mid-campaign completes the campaign after a restart on the same
 * data (its in-memory queue died with it), with at most one duplicate email.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startSesEmulator } from '../../bin/local/stores';
import type { Mailer, OutgoingEmail } from '../../functions/ports';
import { call, startTestService, TOKENS } from '../support/service';

const TEXTS_V1 = { en: '1. Scope\n\nAll services.\n' };
const TEXTS_V2 = { en: '1. Scope\n\nAll services and apps.\n' };

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
});

describe('the sweeper and lost send batches', () => {
  it('re-enqueues the batches of a campaign without progress, so a lost message delays but never stalls it', async () => {
    const sent: OutgoingEmail[] = [];
    const mailer: Mailer = {
      send: async (e) => {
        sent.push(e);
        return { messageId: `m-${sent.length}` };
      },
    };
    const service = await startTestService({
      notifications: {
        mailer,
        sweepIntervalMs: 0,
        stallMs: 200,
        batchSize: 10,
        visibilityTimeoutMs: 300,
        invocationTimeoutMs: 30_000,
      },
    });
    cleanups.push(() => service.stop());
    for (let i = 0; i < 30; i++)
      await call(service, 'PUT', `/customers/l${i}`, {
        token: TOKENS.app,
        body: { email: `l${i}@lost.example` },
      });
    // The second send batch is lost on its way to the queue (SQS accepted it, then lost it).
    const { sendQueue } = service.notifications;
    const enqueue = sendQueue.sendBatch.bind(sendQueue);
    let dropped = 0;
    sendQueue.sendBatch = async (messages) => {
      const kept = messages.filter((m) => {
        if (m.id === '0-1' && dropped === 0) {
          dropped++;
          return false;
        }
        return true;
      });
      return enqueue(kept);
    };
    await call(service, 'POST', '/policies/privacy/revisions', {
      token: TOKENS.publisher,
      body: { texts: TEXTS_V1, change: 'material', notify: false },
    });
    await call(service, 'POST', '/policies/privacy/revisions', {
      token: TOKENS.publisher,
      body: { texts: TEXTS_V2, change: 'material', notify: true },
    });
    await service.notifications.drain(30_000);
    const progress = async () =>
      (await call(service, 'GET', '/policies/privacy/revisions/2/notification', { token: TOKENS.publisher }))
        .json;
    expect(dropped).toBe(1);
    expect(await progress()).toMatchObject({ status: 'sending', total: 30, sent: 20 });

    // First sweep notes the progress; nothing is re-enqueued while the campaign may still move.
    expect(await service.notifications.sweep()).toMatchObject({ requeued: 0 });
    await new Promise((r) => setTimeout(r, 250));
    expect(await service.notifications.sweep()).toMatchObject({ requeued: 1 });
    await service.notifications.drain(30_000);
    expect(await progress()).toMatchObject({ status: 'completed', total: 30, sent: 30 });
    const to = sent.map((e) => e.to);
    expect(new Set(to).size).toBe(30);
    expect(to).toHaveLength(30);
    expect(await service.notifications.sweep()).toMatchObject({ checked: 0, requeued: 0 });
  });
});

const LOCAL = fileURLToPath(new URL('../../bin/local.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** `npm start` as a child process: tsx bin/local.ts, on a data directory and an SES emulator of the test's. */
function startLocal(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  // One process (tsx as a loader, not its CLI, which would run the service in a grandchild that a
  // SIGKILL of the child leaves running).
  const child = spawn(process.execPath, ['--import', 'tsx', LOCAL], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`local service did not start:\n${out}`)), 60_000);
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /API:\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1]! });
      }
    });
    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`local service exited with ${code}:\n${out}`));
    });
  });
}

const free = () => 20_000 + Math.floor(Math.random() * 20_000);

describe('the local service killed mid-campaign', () => {
  it('completes the campaign after kill -9 and a restart on the same data, everyone mailed, at most one twice', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'notify-kill-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const ses = await startSesEmulator(0);
    cleanups.push(ses.close);
    const env = {
      DATA_DIR: dataDir,
      SES_ENDPOINT: ses.endpoint,
      SES_MAX_SEND_RATE: '10',
      POLICY_APP_TOKEN: TOKENS.app,
      POLICY_PUBLISHER_TOKEN: TOKENS.publisher,
      // Claims of the killed process lapse after this; batches come back after the visibility timeout.
      NOTIFY_LEASE_MS: '55000',
      NOTIFY_VISIBILITY_TIMEOUT_MS: '15000',
    };
    const port = String(free());
    let run = await startLocal({ ...env, PORT: port });
    let current = run.child;
    cleanups.push(async () => {
      if (current.exitCode === null) current.kill('SIGKILL');
    });
    const api = (method: string, path: string, token: string, body?: unknown) =>
      fetch(`${run.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    const N = 60;
    for (let i = 0; i < N; i++)
      expect((await api('PUT', `/customers/k${i}`, TOKENS.app, { email: `k${i}@kill.example` })).status).toBe(
        201,
      );
    await api('POST', '/policies/privacy/revisions', TOKENS.publisher, {
      texts: TEXTS_V1,
      change: 'material',
      notify: false,
    });
    await api('POST', '/policies/privacy/revisions', TOKENS.publisher, {
      texts: TEXTS_V2,
      change: 'material',
      notify: true,
    });
    const mailed = async () => {
      const store = (await (await fetch(`${ses.endpoint}/store`)).json()) as {
        emails: { destination: { to: string[] } }[];
      };
      return store.emails.flatMap((e) => e.destination.to);
    };
    const deadline = Date.now() + 30_000;
    while ((await mailed()).length < 15) {
      if (Date.now() > deadline) throw new Error('the campaign did not start sending');
      await new Promise((r) => setTimeout(r, 50));
    }
    current.kill('SIGKILL');
    await new Promise((r) => current.once('exit', r));
    const atKill = (await mailed()).length;
    expect(atKill).toBeLessThan(N);

    run = await startLocal({ ...env, PORT: port });
    current = run.child;
    const status = async () =>
      (await (await api('GET', '/policies/privacy/revisions/2/notification', TOKENS.publisher)).json()) as {
        status: string;
        sent: number;
        total: number;
      };
    const end = Date.now() + 150_000;
    let s = await status();
    while (s.status !== 'completed') {
      if (Date.now() > end) throw new Error(`campaign still ${s.status} (${s.sent}/${s.total})`);
      await new Promise((r) => setTimeout(r, 500));
      s = await status();
    }
    expect(s).toMatchObject({ status: 'completed', total: N, sent: N });
    const to = await mailed();
    const counts = new Map<string, number>();
    for (const a of to) counts.set(a, (counts.get(a) ?? 0) + 1);
    expect(counts.size).toBe(N);
    expect([...counts.values()].filter((n) => n > 1).length).toBeLessThanOrEqual(1);
    expect([...counts.values()].every((n) => n <= 2)).toBe(true);
  }, 240_000);
});
