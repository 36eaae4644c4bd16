/**
 * @vitest-environment happy-dom
 * @vitest-environment-options { "url": "https://www.shop.example/product/1" }
 */
import { beforeEach, expect, it, vi } from 'vitest';
import { clearCookies, recordingClient } from './helpers/client';

beforeEach(clearCookies);

it('on https the identity cookie is Secure and goes on the widest domain that takes it', async () => {
  expect(location.protocol).toBe('https:');
  let proto = Object.getPrototypeOf(document);
  while (!Object.getOwnPropertyDescriptor(proto, 'cookie')) proto = Object.getPrototypeOf(proto);
  const descriptor = Object.getOwnPropertyDescriptor(proto, 'cookie')!;
  const written: string[] = [];
  const spy = vi.spyOn(document, 'cookie', 'set').mockImplementation((value: string) => {
    written.push(value);
    descriptor.set!.call(document, value);
  });
  const { api } = recordingClient();
  await api.identify({ email: 'a@shop.example' });
  spy.mockRestore();
  const line = written.find((c) => c.startsWith('__kla_id='))!;
  expect(line).toMatch(/; secure/i);
  expect(line).toMatch(/; domain=shop\.example/i);
  expect(line).toMatch(/; sameSite=Lax/i);
});

it('cookieDomain() overrides the probe', async () => {
  const { api } = recordingClient({ cookieDomain: 'www.shop.example' });
  expect(await api.cookieDomain()).toBe('www.shop.example');
  expect(await api.cookieDomain('shop.example')).toBe('shop.example');
});
