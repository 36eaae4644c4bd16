/**
 * @vitest-environment happy-dom
 * @vitest-environment-options { "url": "https://www.shop.example/shop/product/1" }
 */
// Several __kla_id cookies on one page: klaviyo.js's on another domain, a theme's on a longer path. The browser
// lists them all; js-cookie reads the first, which is not ours.
import { beforeEach, expect, it } from 'vitest';
import { attributesOf, recordingClient } from './helpers/client';

const encoded = (identity: object) => btoa(JSON.stringify(identity));
const copies = () => document.cookie.split('; ').filter((pair) => pair.startsWith('__kla_id='));
const OLD = encoded({ cid: 'old-cid', $email: 'old@mailbox.org', $phone_number: '+12125550142' });

beforeEach(() => {
  for (const domain of ['', 'shop.example', 'www.shop.example']) {
    for (const path of ['/', '/shop']) document.cookie = `__kla_id=; path=${path}; ${domain && `domain=${domain}; `}expires=Thu, 01 Jan 1970 00:00:00 GMT`;
  }
  localStorage.clear();
  sessionStorage.clear();
});

it('a theme\'s older cookie on path /shop: after identify, the next page sends the new email and only ours is left', async () => {
  document.cookie = `__kla_id=${OLD}; path=/shop`;
  const first = recordingClient();
  await first.api.identify({ email: 'new@mailbox.org' });
  expect(copies()).toHaveLength(1);
  const next = recordingClient();
  expect(await next.api.track('Viewed Product', { ProductID: '1' })).toBe(true);
  expect(attributesOf(next.sent[0]).profile.data.attributes).toEqual({ email: 'new@mailbox.org' });
});

it('klaviyo.js\'s older host-only cookie beside ours on the shared domain: the new identity wins on the next page', async () => {
  document.cookie = `__kla_id=${OLD}; path=/`;
  const first = recordingClient();
  await first.api.identify({ email: 'new@mailbox.org' });
  expect(copies()).toHaveLength(1);
  expect(await recordingClient().api.identify()).toEqual({ $email: 'new@mailbox.org' });
});

it('a page that finds two copies it did not write reads the newer and leaves only that one', async () => {
  document.cookie = `__kla_id=${OLD}; path=/shop`;
  document.cookie = `__kla_id=${encoded({ cid: 'c2', $email: 'newer@mailbox.org' })}; path=/; domain=shop.example`;
  const { api } = recordingClient();
  expect(await api.identify()).toEqual({ $email: 'newer@mailbox.org' });
  expect(copies()).toHaveLength(1);
});

it('optOut() removes every copy it can reach: every domain and every path up to this page', async () => {
  document.cookie = `__kla_id=${OLD}; path=/shop`;
  document.cookie = `__kla_id=${OLD}; path=/shop/`;
  document.cookie = `__kla_id=${OLD}; path=/; domain=www.shop.example`;
  document.cookie = `__kla_id=${OLD}; path=/`;
  const { api } = recordingClient();
  await api.identify({ email: 'leaving@mailbox.org' });
  await api.optOut();
  expect(copies()).toEqual([]);
  expect(await recordingClient().api.isIdentified()).toBe(false);
});
