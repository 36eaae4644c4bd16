import { answer, type Reader } from './gate';

/**
 * OneTrust: `group` (C0004, targeting, by default) in `OnetrustActiveGroups` (",C0001,C0004,"), read now and on
 * every `OneTrustGroupsUpdated`. Until the visitor closes the banner, a missing group is a default, no answer.
 */
export function watchOneTrust(w: any, group: string, reader: Reader): void {
  const read = reader(() => {
    const groups = w.OnetrustActiveGroups;
    if (typeof groups == 'string') return answer(groups.split(',').indexOf(group) >= 0, w.OneTrust.IsAlertBoxClosed() === true);
  });
  w.addEventListener('OneTrustGroupsUpdated', read);
  read();
}
