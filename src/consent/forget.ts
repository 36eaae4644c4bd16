import { removeCopies } from '../identity/cookie';

// What identity/, delivery/outbox.ts and the viewed and held lists store under.
const OURS = /^__kla_(outbox|viewed|held)/;

/**
 * Consent withdrawn: every `__kla_id` the page can reach (ours or klaviyo.js's, on any domain or path), the
 * outbox, the recently viewed items and the held events. Writes no cookie of its own.
 */
export function forgetVisitor(w: any): void {
  removeCopies();
  try {
    for (const store of [w.localStorage, w.sessionStorage] as Storage[]) {
      for (const key of Object.keys(store)) if (OURS.test(key)) store.removeItem(key);
    }
  } catch {
    // Storage that throws (sandboxed, disabled) never held anything of ours either.
  }
}
