import { answer, type Reader } from './gate';

/** Cookiebot: `Cookiebot.consent.marketing`, read now and on each of its events. */
export function watchCookiebot(w: any, reader: Reader): void {
  const read = reader(() => {
    const cookiebot = Object(w.Cookiebot);
    return answer(Object(cookiebot.consent).marketing === true, cookiebot.hasResponse === true);
  });
  for (const type of ['CookiebotOnConsentReady', 'CookiebotOnAccept', 'CookiebotOnDecline']) w.addEventListener(type, read);
  read();
}
