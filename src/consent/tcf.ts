import type { Reader } from './gate';

/**
 * IAB TCF v2.2: `__tcfapi('addEventListener', 2, cb)`. On a stored choice (`tcloaded`) or a new one
 * (`useractioncomplete`): granted with purpose 1 (store and access information on a device), or where the GDPR
 * does not apply. A CMP whose stub comes after this script is looked for again on `load`.
 */
export function watchTcf(w: any, reader: Reader): void {
  const listen = reader(() => {
    if (w.__tcfapi) w.__tcfapi(
      'addEventListener',
      2,
      reader((tcData: any, success: unknown) => {
        if (success !== false && /^(tcloaded|useractioncomplete)$/.test(tcData.eventStatus)) {
          return tcData.gdprApplies === false || tcData.purpose.consents[1] === true;
        }
      }),
    );
  });
  if (w.__tcfapi) listen();
  else w.addEventListener('load', listen);
}
