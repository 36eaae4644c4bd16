import { beforeEach, describe, expect, it } from 'vitest';
import { attributesOf, clearCookies, cookieJson, recordCookieWrites, recordingClient } from './helpers/client';

beforeEach(clearCookies);

describe('identify', () => {
  it('sends Create-or-Update Client Profile with legacy $ keys mapped and custom keys as properties', async () => {
    const { api, sent } = recordingClient();
    const result = await api.identify({
      $email: 'max.muster@example.de', $id: 'u-1', $first_name: 'Max', $last_name: 'Muster',
      $phone_number: null, $city: 'Berlin', $region: null, $country: 'Germany', $zip: '10115', Birthday: null,
      plan: 'pro', location: { address1: 'Hauptstr. 5' },
    });
    expect(sent).toHaveLength(1);
    expect(sent[0].endpoint).toBe('profiles');
    expect(attributesOf(sent[0])).toEqual({
      email: 'max.muster@example.de', external_id: 'u-1', first_name: 'Max', last_name: 'Muster',
      location: { city: 'Berlin', country: 'Germany', zip: '10115', address1: 'Hauptstr. 5' },
      properties: { plan: 'pro' },
    });
    expect(result).toEqual(attributesOf(sent[0]));
  });

  // The contract: a field that is invalid, null or "" is left out with a debug line naming it.
  it('names each blank field it leaves out in the debug channel', async () => {
    const { api, sent, logs } = recordingClient();
    await api.identify({ email: 'sam.lee@example.com', first_name: null, $last_name: '  ', Birthday: null } as never);
    expect(attributesOf(sent[0])).toEqual({ email: 'sam.lee@example.com' });
    for (const field of ['first_name', '$last_name']) {
      expect(logs.some((l) => l.startsWith('debug') && l.includes(`left out ${field}`))).toBe(true);
    }
  });

  it('drops a non-E.164 phone with a warning naming it and still sends the rest', async () => {
    const { api, sent, logs } = recordingClient();
    await api.identify({ email: 'sam.lee@example.com', first_name: 'Sam', phone_number: '(212) 555-0142' });
    expect(attributesOf(sent[0])).toEqual({ email: 'sam.lee@example.com', first_name: 'Sam' });
    expect(logs.some((l) => l.startsWith('warn') && l.includes('phone_number') && l.includes('(212) 555-0142'))).toBe(true);
  });

  it('treats "" and null as absent, never as invalid', async () => {
    const { api, sent, logs } = recordingClient();
    await api.identify({ email: 'renter@example.com', phone_number: '', first_name: '', last_name: null as unknown as string });
    expect(attributesOf(sent[0])).toEqual({ email: 'renter@example.com' });
    expect(logs.filter((l) => l.startsWith('warn'))).toEqual([]);
  });

  it('treats a field of spaces as empty too: it would blank the stored name', async () => {
    const { api, sent } = recordingClient();
    await api.identify({ email: 'ada@mailbox.org', first_name: '   ', last_name: ' ', $city: ' ' });
    expect(attributesOf(sent[0])).toEqual({ email: 'ada@mailbox.org' });
  });

  it('truncates external_id to 64 characters with a warning', async () => {
    const { api, sent, logs } = recordingClient();
    await api.identify({ external_id: 'x'.repeat(80) });
    expect(attributesOf(sent[0]).external_id).toBe('x'.repeat(64));
    expect(logs.some((l) => l.includes('truncated'))).toBe(true);
  });

  it('refuses, sends nothing and names the field when no valid identifier remains', async () => {
    const { api, sent } = recordingClient();
    const error = await api.identify({ email: 'not-an-email', first_name: 'X' }).catch((e) => e);
    expect(error.name).toBe('KlaviyoLiteError');
    expect(error.code).toBe('no_identifier');
    expect(error.message).toContain('email');
    expect(error.message).toContain('not-an-email');
    expect(sent).toEqual([]);
    expect(cookieJson()).toBeUndefined();
  });

  it('fires a callback even when refused', async () => {
    const { api } = recordingClient();
    const calls: unknown[] = [];
    await api.identify({ email: 'bad' }, (result) => calls.push(result)).catch(() => {});
    expect(calls).toEqual([false]);
  });

  it('writes the __kla_id cookie (base64 JSON, klaviyo.js format) before the promise resolves', async () => {
    const { api } = recordingClient();
    await api.identify({ $email: 'a@shop.example', $phone_number: '+15555550123' });
    const cookie = cookieJson();
    expect(cookie).toMatchObject({ $email: 'a@shop.example', $phone_number: '+15555550123' });
    expect(typeof cookie.cid).toBe('string');
  });

  it('merges identifiers across calls and sends the stored ones along', async () => {
    const { api, sent } = recordingClient();
    await api.identify({ phone_number: '+15555550123' });
    await api.identify({ email: 'shopper@example.com' });
    expect(attributesOf(sent[1])).toEqual({ email: 'shopper@example.com', phone_number: '+15555550123' });
    expect(cookieJson()).toMatchObject({ $email: 'shopper@example.com', $phone_number: '+15555550123' });
  });

  it('allows a properties-only identify once the visitor is known', async () => {
    const { api, sent } = recordingClient();
    await api.identify({ $email: 'seg.user@example.com' });
    await api.identify({ $organization: 'Initech' });
    expect(attributesOf(sent[1])).toEqual({ email: 'seg.user@example.com', organization: 'Initech' });
  });

  it('a ?_kx= token over 1,000 characters, which the cookie would not read back, is not stored', () => {
    history.replaceState(null, '', `/?_kx=${'k'.repeat(1001)}`);
    try {
      recordingClient();
      expect(cookieJson()?.$exchange_id).toBeUndefined();
    } finally {
      history.replaceState(null, '', '/');
    }
  });

  it('an _kx over 1,000 characters is no identifier for identify either: alone, the call is refused and nothing is sent', async () => {
    const { api, sent } = recordingClient();
    await expect(api.identify({ _kx: 'k'.repeat(1001) })).rejects.toMatchObject({ code: 'no_identifier' });
    expect(sent).toEqual([]);
    expect(cookieJson()).toBeUndefined();
  });

  it('starts a new visitor when a different email arrives, with a warning', async () => {
    const { api, sent, logs } = recordingClient();
    await api.identify({ email: 'one@shop.example', phone_number: '+15555550123' });
    await api.identify({ email: 'two@shop.example' });
    expect(attributesOf(sent[1])).toEqual({ email: 'two@shop.example' });
    expect(cookieJson().$phone_number).toBeUndefined();
    expect(logs.some((l) => l.includes('new visitor'))).toBe(true);
  });

  it('the same email in other letter case is the same visitor: nothing stored is forgotten', async () => {
    const { api, logs } = recordingClient();
    await api.identify({ email: 'shopper@mailbox.org', phone_number: '+12125550142' });
    await api.identify({ email: 'Shopper@Mailbox.org' });
    expect(cookieJson()).toMatchObject({ $email: 'Shopper@Mailbox.org', $phone_number: '+12125550142' });
    expect(logs.some((l) => l.includes('new visitor'))).toBe(false);
  });

  it('reads a cookie written by klaviyo.js and starts fresh from a tampered one', async () => {
    document.cookie = `__kla_id=${btoa(JSON.stringify({ cid: 'abc', $email: 'old@shop.example' }))}; path=/`;
    const { api, isIdentified } = recordingClient();
    expect(isIdentified()).toBe(true);
    expect(await api.isIdentified()).toBe(true);
    document.cookie = '__kla_id=%%%not-base64; path=/';
    expect(isIdentified()).toBe(false);
  });
});

describe('the __kla_id cookie attributes', () => {
  it('path=/, SameSite=Lax, 2 years, no Secure on http, no domain on a dotless host', async () => {
    const { written, restore } = recordCookieWrites();
    const { api } = recordingClient();
    await api.identify({ email: 'a@shop.example' });
    restore();
    const line = written.find((c) => c.startsWith('__kla_id='))!;
    expect(line).toMatch(/; path=\//);
    expect(line).toMatch(/; sameSite=Lax/i);
    expect(line).not.toMatch(/secure|domain=/i);
    const expires = Date.parse(line.match(/expires=([^;]+)/)![1]);
    expect(expires - Date.now()).toBeGreaterThan(729 * 864e5);
  });
});
