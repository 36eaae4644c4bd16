import Cookies from 'js-cookie';

// What identity/, delivery/outbox.ts and the viewed and held lists store under.
const OURS = /^__kla_(outbox|viewed|held)/;

/**
 * Consent withdrawn: every `__kla_id` the page can reach (host-only, and on each parent domain: ours or
 * klaviyo.js's), the outbox, the recently viewed items and the held events. Writes no cookie of its own.
 */
export function forgetVisitor(w: any): void {
  const parts = location.hostname.split('.');
  try {
    // '': host-only (js-cookie leaves an empty domain out).
    for (const domain of [''].concat(parts.map((_, i) => parts.slice(i).join('.')))) Cookies.remove('__kla_id', { path: '/', domain });
    for (const name of ['localStorage', 'sessionStorage']) {
      const store: Storage = w[name];
      // From the end: removing a key moves only those after it.
      for (let i = store.length; i--; ) {
        const key = store.key(i);
        if (key && OURS.test(key)) store.removeItem(key);
      }
    }
  } catch {
    // Cookies and storage that throw (sandboxed, disabled) never held anything of ours either.
  }
}
