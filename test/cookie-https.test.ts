/**
 * @vitest-environment happy-dom
 * @vitest-environment-options { "url": "https://www.shop.example/product/1" }
 */
import { beforeEach, expect, it } from 'vitest';
import { clearCookies, recordCookieWrites, recordingClient } from './helpers/client';

beforeEach(clearCookies);

it('on https the identity cookie is Secure and goes on the widest domain that takes it', async () => {
  expect(location.protocol).toBe('https:');
  const { written, restore } = recordCookieWrites();
  const { api } = recordingClient();
  await api.identify({ email: 'a@shop.example' });
  restore();
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
