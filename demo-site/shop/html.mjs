// Tiny HTML helpers for the server-rendered pages.
const map = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const esc = (v) => String(v ?? '').replace(/[&<>"']/g, (c) => map[c]);
export const money = (n) => `$${Number(n).toFixed(2)}`;
export const COMPANY_ID = 'Demo01';
export const LIST_ID = 'Y6nRLr';

/**
 * The async SDK tag, query form (`?company_id=`) or path form (`/KEY/klaviyo-lite.js`). activity: false adds
 * data-activity="off" (no Active on Site).
 */
export function sdkTag({ apiBase, loader = 'query', dataLayer = false, consent = false, activity = true }) {
  const src = loader === 'path' ? `/${COMPANY_ID}/klaviyo-lite.js` : `/klaviyo-lite.js?company_id=${COMPANY_ID}`;
  const dl = dataLayer ? ' data-datalayer' : '';
  const required = consent ? ' data-consent="required"' : '';
  const off = activity ? '' : ' data-activity="off"';
  return `<script async src="${src}" data-api-base="${esc(apiBase)}"${dl}${required}${off} data-debug></script>`;
}
