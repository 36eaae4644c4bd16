import type { Config } from '../types';
import type { Reader } from './gate';

/**
 * OneTrust: `group` (C0004, targeting, by default) in `OnetrustActiveGroups` (",C0001,C0004,"), read now and on
 * every `OneTrustGroupsUpdated`.
 */
export function watchOneTrust(w: any, reader: Reader, config: Config): void {
  const group = config.consentOnetrust || 'C0004';
  const read = reader(() => {
    const groups = w.OnetrustActiveGroups;
    if (typeof groups != 'string') return;
    if (groups.split(',').includes(group)) return true;
    // Until the visitor closes the banner, a missing group is a default: no answer yet.
    if (w.OneTrust.IsAlertBoxClosed() === true) return false;
  });
  w.addEventListener('OneTrustGroupsUpdated', read);
  read();
}
