import { describe, expect, it } from 'vitest';
import { subscriptionOf } from '../src/client/subscribe-rules';

const EMAIL = 'known@mailbox.org';
const PHONE = '+12125550142';

describe('subscriptionOf: which identifiers a subscription carries, which channels it consents to', () => {
  it('the identifiers given decide the channels; the stored ones go along', () => {
    expect(subscriptionOf({ listId: 'L', phone_number: PHONE }, { email: EMAIL })).toEqual({
      ids: { email: EMAIL, phone_number: PHONE }, channels: ['sms'],
    });
  });

  it('nothing given: the email on file, else the phone on file', () => {
    expect(subscriptionOf({ listId: 'L' }, { email: EMAIL, phone_number: PHONE }).channels).toEqual(['email']);
    expect(subscriptionOf({ listId: 'L' }, { phone_number: PHONE }).channels).toEqual(['sms']);
  });

  it('channels asked for win, as a list or a single string; only those with a valid identifier', () => {
    expect(subscriptionOf({ listId: 'L', email: EMAIL, phone_number: PHONE, channels: ['email'] }, {}).channels).toEqual(['email']);
    expect(subscriptionOf({ listId: 'L', channels: 'sms' as never }, { email: EMAIL, phone_number: PHONE }).channels).toEqual(['sms']);
    // SMS asked for, without a phone: refused, naming what is missing.
    expect(() => subscriptionOf({ listId: 'L', email: EMAIL, channels: ['sms'] }, {})).toThrow('subscribe: no valid identifier for sms');
  });

  it('an invalid identifier given is not absent: the stored one does not stand in for it', () => {
    expect(() => subscriptionOf({ listId: 'L', phone_number: '555-0142' }, { email: EMAIL, phone_number: PHONE })).toThrow(
      'subscribe: no valid identifier for sms',
    );
    expect(() => subscriptionOf({ listId: 'L', phone_number: 12125550142 as never }, {})).toThrow('subscribe: no valid email or phone_number');
  });
});
