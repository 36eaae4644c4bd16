// subscribeBackInStock: the Create Client Back In Stock Subscription body (checked against our schema and
// Klaviyo's spec by recordingClient), and when it is refused.
import { beforeEach, describe, expect, it } from 'vitest';
import { KlaviyoLiteError } from '../src/errors';
import { clearCookies, recordingClient } from './helpers/client';

beforeEach(clearCookies);

const body = (variant: string, channels: string[], profile: Record<string, string>) => ({
  data: {
    type: 'back-in-stock-subscription',
    attributes: { channels, profile: { data: { type: 'profile', attributes: profile } } },
    relationships: { variant: { data: { type: 'catalog-variant', id: variant } } },
  },
});

const refusal = (promise: Promise<unknown>) => promise.then(() => 'resolved', (e: KlaviyoLiteError) => [e instanceof KlaviyoLiteError, e.code]);

describe('subscribeBackInStock', () => {
  it('a bare variant id with an email: $custom catalog, EMAIL, resolves true once queued', async () => {
    const { api, sent } = recordingClient();
    expect(await api.subscribeBackInStock({ variantId: 'KETTLE-RED', email: 'ada@shop.example' })).toBe(true);
    expect(sent).toHaveLength(1);
    expect(sent[0].endpoint).toBe('back-in-stock-subscriptions');
    expect(sent[0].body).toEqual(body('$custom:::$default:::KETTLE-RED', ['EMAIL'], { email: 'ada@shop.example' }));
  });

  it("a full id goes as given; catalog names the integration of a bare one; numbers are ids too", async () => {
    const { api, sent } = recordingClient();
    await api.subscribeBackInStock({ variantId: '$shopify:::$default:::123', email: 'ada@shop.example' });
    await api.subscribeBackInStock({ variantId: 456, catalog: 'bigcommerce', email: 'ada@shop.example' });
    expect(sent.map((r) => (r.body.data.relationships as any).variant.data.id)).toEqual([
      '$shopify:::$default:::123',
      '$bigcommerce:::$default:::456',
    ]);
  });

  it('only a phone: SMS; both: EMAIL; channels given are sent, in upper case', async () => {
    const { api, sent } = recordingClient();
    await api.subscribeBackInStock({ variantId: 'v', phone_number: '+12125550142' });
    await api.subscribeBackInStock({ variantId: 'v', email: 'ada@shop.example', phone_number: '+12125550142' });
    await api.subscribeBackInStock({ variantId: 'v', email: 'ada@shop.example', phone_number: '+12125550142', channels: ['sms', 'EMAIL'] as never });
    expect(sent.map((r) => (r.body.data.attributes as any).channels)).toEqual([['SMS'], ['EMAIL'], ['SMS', 'EMAIL']]);
    expect((sent[0].body.data.attributes as any).profile.data.attributes).toEqual({ phone_number: '+12125550142' });
  });

  it('an empty external_id passed along is none: the profile carries no blank id', async () => {
    const { api, sent } = recordingClient();
    await api.subscribeBackInStock({ variantId: 'v', email: 'ada@shop.example', external_id: '' } as never);
    expect((sent[0].body.data.attributes as any).profile.data.attributes).toEqual({ email: 'ada@shop.example' });
  });

  it("without identifiers given, the visitor's are used (external_id too)", async () => {
    const { api, sent } = recordingClient();
    await api.identify({ email: 'known@shop.example', external_id: 'cust-7' });
    sent.length = 0;
    await api.subscribeBackInStock({ variantId: 'v' });
    expect(sent[0].body).toEqual(body('$custom:::$default:::v', ['EMAIL'], { email: 'known@shop.example', external_id: 'cust-7' }));
  });

  it("an email typed in the form wins over the visitor's, without mixing in the visitor's other identifiers", async () => {
    const { api, sent } = recordingClient();
    await api.identify({ email: 'known@shop.example', external_id: 'cust-7' });
    sent.length = 0;
    await api.subscribeBackInStock({ variantId: 'v', email: 'gift@shop.example' });
    expect((sent[0].body.data.attributes as any).profile.data.attributes).toEqual({ email: 'gift@shop.example' });
  });

  it('no identifier (anonymous visitor, or only an invalid email given) rejects no_identifier and sends nothing', async () => {
    const { api, sent } = recordingClient();
    expect(await refusal(api.subscribeBackInStock({ variantId: 'v' }))).toEqual([true, 'no_identifier']);
    expect(await refusal(api.subscribeBackInStock({ variantId: 'v', email: 'not an email' }))).toEqual([true, 'no_identifier']);
    expect(await refusal(api.subscribeBackInStock({ variantId: 'v', channels: ['EMAIL'] }))).toEqual([true, 'no_identifier']);
    expect(sent).toEqual([]);
  });

  it.each([
    ['no variantId', {}],
    ['an empty variantId', { variantId: '' }],
    ['an object variantId', { variantId: { id: 1 } }],
    ['no input', undefined],
  ])('%s rejects invalid_argument', async (_why, input) => {
    const { api, sent } = recordingClient();
    expect(await refusal(api.subscribeBackInStock({ email: 'ada@shop.example', ...(input as object) } as never))).toEqual([true, 'invalid_argument']);
    expect(await refusal(api.subscribeBackInStock(input as never))).toEqual([true, 'invalid_argument']);
    expect(sent).toEqual([]);
  });

  it('an opted-out visitor sends nothing: resolves false', async () => {
    const { api, sent } = recordingClient();
    document.cookie = '__kla_off=true; path=/';
    expect(await api.subscribeBackInStock({ variantId: 'v', email: 'ada@shop.example' })).toBe(false);
    expect(sent).toEqual([]);
  });
});
