import { describe, expect, it } from 'vitest';
import { checkCompanyId, companyIdFromSrc, findScript, readConfig } from '../src/page/config';

describe('configuration from the script tag', () => {
  it('reads company_id from the query string or from the key-in-path form', () => {
    expect(companyIdFromSrc('https://cdn.example/klaviyo-lite.js?company_id=AbC123')).toBe('AbC123');
    expect(companyIdFromSrc('https://cdn.example/js/AbC123/klaviyo-lite.js')).toBe('AbC123');
    expect(companyIdFromSrc('https://cdn.example/klaviyo-lite.js')).toBeUndefined();
  });

  it('takes a folder that is no key for where the script lives, yet still sees a private key there', () => {
    expect(companyIdFromSrc('https://shop.example/dist/klaviyo-lite.js')).toBeUndefined();
    expect(companyIdFromSrc('https://shop.example/assets/js/klaviyo-lite.min.js')).toBeUndefined();
    expect(companyIdFromSrc('https://shop.example/pk_0123456789abcdef/klaviyo-lite.js')).toBe('pk_0123456789abcdef');
    expect(checkCompanyId(companyIdFromSrc('https://shop.example/pk_0123456789abcdef/klaviyo-lite.js'))).toBe('private_key');
  });

  it('accepts 6 alphanumerics only, and calls a pk_ key what it is', () => {
    expect(checkCompanyId('AbC123')).toBeUndefined();
    expect(checkCompanyId('pk_abcdef0123456789')).toBe('private_key');
    // Pasted with a space or a prefix: still a private key, never echoed to the console.
    expect(checkCompanyId(' pk_abcdef0123456789')).toBe('private_key');
    expect(checkCompanyId('key=pk_abcdef0123456789')).toBe('private_key');
    expect(checkCompanyId('AbC12')).toBe('invalid_company_id');
    expect(checkCompanyId(123456)).toBe('invalid_company_id');
  });

  it('reads the data- attributes', () => {
    const script = document.createElement('script');
    script.src = 'http://localhost:3000/static/klaviyo-lite.js?company_id=AbC123';
    script.setAttribute('data-api-base', 'http://127.0.0.1:8787/');
    script.setAttribute('data-cookie-domain', '.shop.example');
    script.setAttribute('data-debug', '');
    script.setAttribute('data-datalayer', '');
    expect(readConfig(script)).toEqual({
      companyId: 'AbC123', apiBase: 'http://127.0.0.1:8787', cookieDomain: '.shop.example',
      debug: true, dataLayer: true, dataLayerPurchase: false, holdAnonymous: false, respectGpc: false, activity: true,
    });
    script.setAttribute('data-activity', 'off');
    expect(readConfig(script).activity).toBe(false);
    // Any other value leaves it on.
    script.setAttribute('data-activity', '');
    expect(readConfig(script).activity).toBe(true);
    expect(readConfig(undefined).apiBase).toBe('https://a.klaviyo.com');
  });

  it('finds its own tag by name when currentScript is not set (GTM injection)', () => {
    const other = document.createElement('script');
    other.src = 'http://localhost:3000/other.js';
    const own = document.createElement('script');
    for (const s of [own, other]) s.type = 'text/x-not-loaded';
    own.src = 'http://localhost:3000/klaviyo-lite.js?company_id=AbC123';
    document.head.append(own, other);
    expect(findScript(document)).toBe(own);
    own.remove();
    other.remove();
  });
});
