/**
 * `lazy` (functions/domain/lazy.ts): what module-level parsers and schemas are built through, so that
 * the bundles which never use them neither build them at load nor carry their library.
 */
import { describe, expect, it, vi } from 'vitest';
import { lazy } from '../../functions/domain/lazy';

describe('lazy', () => {
  it('builds nothing until first asked', () => {
    const build = vi.fn(() => ({ made: true }));
    lazy(build);
    expect(build).not.toHaveBeenCalled();
  });

  it('builds once and hands back the same value every time', () => {
    const build = vi.fn(() => ({ made: true }));
    const get = lazy(build);
    const first = get();
    expect(get()).toBe(first);
    expect(get()).toBe(first);
    expect(build).toHaveBeenCalledTimes(1);
  });

  it('keeps a falsy value instead of building it again', () => {
    const build = vi.fn(() => undefined as number | undefined);
    const get = lazy(build);
    expect(get()).toBeUndefined();
    expect(get()).toBeUndefined();
    expect(build).toHaveBeenCalledTimes(1);
  });

  it('tries again after a build that threw', () => {
    let calls = 0;
    const get = lazy(() => {
      calls++;
      if (calls === 1) throw new Error('not yet');
      return calls;
    });
    expect(() => get()).toThrow('not yet');
    expect(get()).toBe(2);
    expect(get()).toBe(2);
  });
});
