import type { Config } from './types';

export const DEFAULT_API_BASE = 'https://a.klaviyo.com';
const OWN_NAME = /klaviyo-lite(\.min)?\.js/;

/** Our own `<script>`: `currentScript` when the browser sets it (GTM's injection paths don't), else by name. */
export function findScript(doc: Document): HTMLScriptElement | undefined {
  const current = doc.currentScript as HTMLScriptElement | null;
  if (current?.src && OWN_NAME.test(current.src)) return current;
  const scripts = doc.getElementsByTagName('script');
  for (let i = scripts.length - 1; i >= 0; i--) if (OWN_NAME.test(scripts[i].src)) return scripts[i];
  return current ?? undefined;
}

/** The company id from `?company_id=KEY` or the path form `…/KEY/klaviyo-lite.js`. */
export function companyIdFromSrc(src: string): string | undefined {
  try {
    const url = new URL(src, location.href);
    return url.searchParams.get('company_id') ?? url.pathname.match(/\/([^/]+)\/klaviyo-lite[^/]*\.js$/)?.[1];
  } catch {
    return undefined;
  }
}

export type CompanyIdProblem = 'private_key' | 'invalid_company_id' | undefined;

export function checkCompanyId(id: unknown): CompanyIdProblem {
  if (typeof id === 'string' && /^pk_/i.test(id)) return 'private_key';
  return typeof id === 'string' && /^[A-Za-z0-9]{6}$/.test(id) ? undefined : 'invalid_company_id';
}

const flag = (script: HTMLScriptElement | undefined, name: string) => {
  const value = script?.getAttribute(`data-${name}`);
  return value != null && value !== 'false';
};

export function readConfig(script: HTMLScriptElement | undefined): Config {
  return {
    companyId: script?.src ? companyIdFromSrc(script.src) : undefined,
    apiBase: (script?.getAttribute('data-api-base') || DEFAULT_API_BASE).replace(/\/+$/, ''),
    cookieDomain: script?.getAttribute('data-cookie-domain') || undefined,
    debug: flag(script, 'debug'),
    dataLayer: flag(script, 'datalayer'),
    holdAnonymous: flag(script, 'hold-anonymous'),
    respectGpc: flag(script, 'respect-gpc'),
  };
}
