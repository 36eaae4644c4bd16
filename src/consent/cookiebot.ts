import type { Reader } from './gate';

/** Cookiebot: `Cookiebot.consent.marketing`, read now and on each of its events. */
export function watchCookiebot(w: any, reader: Reader): void {
  const read = reader(() => {
    const cookiebot = Object(w.Cookiebot);
    if (Object(cookiebot.consent).marketing === true) return true;
    // Refused only once the visitor answered: before, it is a default.
    if (cookiebot.hasResponse === true) return false;
  });
  for (const type of ['CookiebotOnConsentReady', 'CookiebotOnAccept', 'CookiebotOnDecline']) w.addEventListener(type, read);
  read();
}
