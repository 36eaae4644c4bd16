import { beforeEach, describe, expect, it } from 'vitest';
import { clearCookies, cookieJson, recordingClient } from './helpers/client';

beforeEach(clearCookies);

describe('the klaviyo object', () => {
  it('refuses a private key loudly and never sends with it', async () => {
    const { api, logs } = recordingClient({ companyId: 'pk_1234567890abcdef' });
    expect(await api.account()).toBeUndefined();
    expect(logs.some((l) => l.startsWith('error') && l.includes('private API key'))).toBe(true);
  });

  it('account() sets and answers the company id, also when read synchronously as a string', async () => {
    const { api } = recordingClient({ companyId: undefined });
    const answer = api.account('XyZ789');
    expect(await answer).toBe('XyZ789');
    expect(`${api.account()}`).toBe('XyZ789');
    expect(await api.account('bad key!')).toBe('XyZ789');
  });

  it('subscribe sends Create Client Subscription for the list and identifies the visitor', async () => {
    const { api, sent } = recordingClient();
    expect(await api.subscribe({ listId: 'Y6nRLr', email: 'news@shop.example', customSource: 'Footer' })).toBe(true);
    expect(sent[0].endpoint).toBe('subscriptions');
    expect(sent[0].body.data).toMatchObject({
      type: 'subscription',
      attributes: {
        custom_source: 'Footer',
        profile: { data: { attributes: { email: 'news@shop.example', subscriptions: { email: { marketing: { consent: 'SUBSCRIBED' } } } } } },
      },
      relationships: { list: { data: { type: 'list', id: 'Y6nRLr' } } },
    });
    expect(cookieJson().$email).toBe('news@shop.example');
  });

  it('subscribe with another email than the stored one warns of a new visitor, as identify does, and sends nothing of the old one', async () => {
    const { api, logs, sent } = recordingClient();
    await api.identify({ email: 'first@mailbox.org', phone_number: '+12125550142' });
    const warnings = () => logs.filter((l) => l.startsWith('warn') && l.includes('new visitor'));
    await api.subscribe({ listId: 'Y6nRLr', email: 'FIRST@mailbox.org' });
    expect(warnings()).toEqual([]);
    await api.subscribe({ listId: 'Y6nRLr', email: 'second@mailbox.org' });
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]).toContain('subscribe');
    expect(cookieJson()).toMatchObject({ $email: 'second@mailbox.org' });
    expect(cookieJson().$phone_number).toBeUndefined();
    // The first visitor's phone would merge the two people's profiles at Klaviyo.
    expect((sent[2].body.data as any).attributes.profile.data.attributes).toEqual({
      email: 'second@mailbox.org', subscriptions: { email: { marketing: { consent: 'SUBSCRIBED' } } },
    });
  });

  describe('subscribe consents only to the channels asked for', () => {
    const channelsOf = (request: { body: { data: any } }) => Object.keys(request.body.data.attributes.profile.data.attributes.subscriptions);

    it('an SMS sign-up by a visitor known by email subscribes SMS only', async () => {
      const { api, sent } = recordingClient();
      await api.identify({ email: 'known@mailbox.org' });
      expect(await api.subscribe({ listId: 'Y6nRLr', phone_number: '+12125550142' })).toBe(true);
      expect(channelsOf(sent[1])).toEqual(['sms']);
    });

    it('channels: ["sms"] with an invalid phone is refused, not turned into email consent', async () => {
      const { api, sent } = recordingClient();
      const subscribing = api.subscribe({ listId: 'Y6nRLr', email: 'a@mailbox.org', phone_number: '(212) 555-0142', channels: ['sms'] });
      await expect(subscribing).rejects.toMatchObject({ code: 'no_identifier', message: expect.stringContaining('sms') });
      expect(sent).toEqual([]);
    });

    it('an invalid phone given alone does not fall back to the email on file', async () => {
      const { api, sent } = recordingClient();
      await api.identify({ email: 'known@mailbox.org' });
      await expect(api.subscribe({ listId: 'Y6nRLr', phone_number: '555-0142' })).rejects.toMatchObject({ code: 'no_identifier' });
      expect(sent.map((r) => r.endpoint)).toEqual(['profiles']);
    });

    it('a phone given as a number, or channels as a string, is not read as absent: no email consent', async () => {
      const { api, sent } = recordingClient();
      await api.identify({ email: 'known@mailbox.org', phone_number: '+12125550142' });
      await expect(api.subscribe({ listId: 'Y6nRLr', email: 'known@mailbox.org', phone_number: 12125550142 as never, channels: ['sms'] })).rejects.toMatchObject({ code: 'no_identifier' });
      await expect(api.subscribe({ listId: 'Y6nRLr', phone_number: 12125550142 as never })).rejects.toMatchObject({ code: 'no_identifier' });
      expect(await api.subscribe({ listId: 'Y6nRLr', channels: 'sms' as never })).toBe(true);
      expect(sent.slice(1).map(channelsOf)).toEqual([['sms']]);
    });

    it('an email given as a number, with another on file, is refused as no identifier, not an internal failure', async () => {
      const { api, sent } = recordingClient();
      await api.identify({ email: 'known@mailbox.org' });
      await expect(api.subscribe({ listId: 'Y6nRLr', email: 42 as never })).rejects.toMatchObject({ code: 'no_identifier' });
      expect(sent.map((r) => r.endpoint)).toEqual(['profiles']);
    });

    it('with no identifier given, the email on file is subscribed; both given, both channels', async () => {
      const { api, sent } = recordingClient();
      await api.identify({ email: 'known@mailbox.org' });
      await api.subscribe({ listId: 'Y6nRLr' });
      await api.subscribe({ listId: 'Y6nRLr', email: 'new@mailbox.org', phone_number: '+12125550142' });
      await api.subscribe({ listId: 'Y6nRLr', email: 'new@mailbox.org', phone_number: '+12125550142', channels: ['email'] });
      expect(sent.slice(1).map(channelsOf)).toEqual([['email'], ['email', 'sms'], ['email']]);
    });
  });

  it('optOut clears the identity and the outbox; nothing is sent until optIn', async () => {
    const { api, sent, delivery } = recordingClient();
    await api.identify({ email: 'a@shop.example' });
    await api.optOut();
    expect(cookieJson()).toBeUndefined();
    expect(document.cookie).toContain('__kla_off=true');
    expect(delivery.clear).toHaveBeenCalled();
    expect(await api.track('A')).toBe(false);
    await api.optIn();
    await api.identify({ email: 'a@shop.example' });
    expect(await api.track('A')).toBe(true);
    expect(sent.map((r) => r.endpoint)).toEqual(['profiles', 'profiles', 'events']);
  });

  it('honours Global Privacy Control when asked to', async () => {
    Object.defineProperty(navigator, 'globalPrivacyControl', { value: true, configurable: true });
    try {
      const { api, sent } = recordingClient({ respectGpc: true });
      await api.identify({ email: 'a@shop.example' }).catch(() => {});
      expect(sent).toEqual([]);
    } finally {
      delete (navigator as { globalPrivacyControl?: boolean }).globalPrivacyControl;
    }
  });

  it('trackViewedItem keeps the item locally and sends nothing', async () => {
    const { api, sent } = recordingClient();
    await api.identify({ email: 'a@shop.example' });
    await api.trackViewedItem({ Title: 'Shirt', ItemId: '1234', Metadata: { Price: '34.00' } });
    expect(sent.map((r) => r.endpoint)).toEqual(['profiles']);
    expect(localStorage.length).toBeGreaterThan(0);
  });

  it('push accepts several commands in one call, in order, with trailing callbacks', async () => {
    const { api, sent } = recordingClient();
    const fired: string[] = [];
    await api.push(
      ['identify', { email: 'a@shop.example' }, () => fired.push('identify')],
      ['track', 'Signed Up'],
      ['openForm', 'XyZ', () => fired.push('unsupported')],
    );
    expect(sent.map((r) => r.endpoint)).toEqual(['profiles', 'events']);
    expect(fired).toEqual(['identify', 'unsupported']);
  });

  it('never throws synchronously, even for nonsense', () => {
    const { api } = recordingClient();
    expect(() => (api.identify as any)(null)).not.toThrow();
    expect(() => (api.track as any)(Symbol('x'))).not.toThrow();
    expect(() => (api.push as any)('nope', null, [42])).not.toThrow();
  });

  it('a callback that throws does not break the call', async () => {
    const { api, logs } = recordingClient();
    await api.identify({ email: 'a@shop.example' }, () => {
      throw new Error('page bug');
    });
    expect(logs.some((l) => l.startsWith('error') && l.includes('callback threw'))).toBe(true);
  });
});
