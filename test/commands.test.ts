import { describe, expect, it } from 'vitest';
import { createCommands } from '../src/client/commands';
import { KlaviyoLiteError } from '../src/errors';

const recorder = () => {
  const logs: string[] = [];
  const log = {
    debug: (m: string) => void logs.push(`debug: ${m}`),
    warn: (m: string) => void logs.push(`warn: ${m}`),
    error: (m: string) => void logs.push(`error: ${m}`),
  };
  return { logs, log };
};

const methods = () =>
  Object.assign(Object.create(null), {
    echo: (...args: unknown[]) => args,
    refuse: () => {
      throw new KlaviyoLiteError('invalid_argument', 'refuse: no');
    },
    crash: () => {
      throw new TypeError('boom');
    },
  });

describe('the command runner', () => {
  it('resolves with the result; trailing functions are callbacks, fired in order with it', async () => {
    const { log } = recorder();
    const { run } = createCommands(methods(), log);
    const fired: unknown[] = [];
    const result = await run('echo', [1, 2, (r: unknown) => fired.push(['a', r]), (r: unknown) => fired.push(['b', r])]);
    expect(result).toEqual([1, 2]);
    expect(fired).toEqual([['a', [1, 2]], ['b', [1, 2]]]);
  });

  it('rejects with the KlaviyoLiteError thrown, anything else as code "internal"; callbacks get false', async () => {
    const { log, logs } = recorder();
    const { run } = createCommands(methods(), log);
    const fired: unknown[] = [];
    await expect(run('refuse', [(r: unknown) => fired.push(r)])).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(run('crash', [])).rejects.toMatchObject({ name: 'KlaviyoLiteError', code: 'internal', message: expect.stringContaining('boom') });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(fired).toEqual([false]);
    expect(logs.filter((l) => l.startsWith('warn'))).toHaveLength(2);
  });

  it('a throwing callback is logged and does not stop the next one', async () => {
    const { log, logs } = recorder();
    const { run } = createCommands(methods(), log);
    const fired: unknown[] = [];
    const thrower = () => {
      throw new Error('page bug');
    };
    await run('echo', [thrower, (r: unknown) => fired.push(r)]);
    expect(fired).toEqual([[]]);
    expect(logs).toContain('error: a echo callback threw');
  });

  it('an unknown method resolves undefined; push runs each [method, ...args] and ignores the rest', async () => {
    const { log, logs } = recorder();
    const { run, api } = createCommands(methods(), log);
    expect(await run('toString', [])).toBeUndefined();
    expect(await api.push(['echo', 'a'], 'nonsense' as never, ['refuse'], [42] as never)).toEqual([['a'], undefined, undefined, undefined]);
    expect(logs.filter((l) => l.includes('ignored'))).toHaveLength(2);
  });
});
