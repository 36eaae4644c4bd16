import type { Config } from '../types';

export const DEFAULT_API_BASE = 'https://a.klaviyo.com';
const OWN_NAME = /klaviyo-lite(\.min)?\.js/;

/** Our own `<script>`: `currentScript` when the browser sets it (GTM's injection paths don't), else by name. */
export function findScript(doc: Document): HTMLScriptElement | null {
  const current = doc.currentScript as HTMLScriptElement | null;
  // currentScript first, then the tags from the last one back.
  const own = [current].concat(Array.from(doc.scripts).reverse()).find((script) => script && OWN_NAME.test(script.src));
  return own || current;
}

/** The company id from `?company_id=KEY` or the path form `…/KEY/klaviyo-lite.js`. */
export function companyIdFromSrc(src: string): string | undefined {
  const url = new URL(src, location.href);
  const folder = (url.pathname.match(/\/([^/]+)\/klaviyo-lite[^/]*\.js$/) || [])[1];
  // A folder that is no key (`/dist/`) is just where the script lives; a private key there is still refused.
  return url.searchParams.get('company_id') || (checkCompanyId(folder) != 'invalid_company_id' ? folder : undefined);
}

export type CompanyIdProblem = 'private_key' | 'invalid_company_id' | undefined;

export const checkCompanyId = (id: unknown): CompanyIdProblem =>
  /pk_/i.test(String(id)) ? 'private_key' : typeof id == 'string' && /^[A-Za-z\d]{6}$/.test(id) ? undefined : 'invalid_company_id';

export function readConfig(script: HTMLScriptElement | null | undefined): Config {
  // `data-hold-anonymous` is `dataset.holdAnonymous`.
  const data: Record<string, string | undefined> = script ? script.dataset : {};
  // Present, as `data-debug` or `data-debug="true"`, and not "false".
  const flag = (value?: string) => value != null && value != 'false';
  return {
    companyId: script && script.src ? companyIdFromSrc(script.src) : undefined,
    apiBase: (data.apiBase || DEFAULT_API_BASE).replace(/\/+$/, ''),
    // An empty attribute is none (createIdentity probes then).
    cookieDomain: data.cookieDomain,
    debug: flag(data.debug),
    dataLayer: flag(data.datalayer),
    dataLayerPurchase: flag(data.datalayerPurchase),
    holdAnonymous: flag(data.holdAnonymous),
    respectGpc: flag(data.respectGpc),
    consent: data.consent,
    consentGcm: data.consentGcm,
    consentOnetrust: data.consentOnetrust,
    activity: data.activity != 'off',
  };
}
