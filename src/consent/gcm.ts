import type { Reader } from './gate';

/**
 * Google Consent Mode v2, one `dataLayer` entry at a time: `gtag('consent', 'default' | 'update', {...})` as gtag
 * pushes it (an Arguments object) or as a plain array. Granted when every one of `keys` is 'granted'. A denied
 * default is no answer: the visitor has not chosen yet.
 */
export function gcmReader(keys: string[], reader: Reader): (entry: object) => void {
  // The latest value of every parameter: only `keys` are read.
  const values: Record<string, unknown> = {};
  // A default for some regions only: whether it applies to this visitor is unknown here, so defaults never grant.
  let regional = false;
  return reader((command: any) => {
    const params = Object(command[2]);
    const update = command[1] == 'update';
    if (command[0] != 'consent' || !(update || command[1] == 'default') || !keys.some((key) => key in params)) return;
    if (!update && params.region) regional = true;
    else Object.assign(values, params);
    const granted = keys.every((key) => values[key] == 'granted');
    if (update || (granted && !regional)) return granted;
  });
}
