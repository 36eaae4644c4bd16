// What the answer to a try means for the record it was about.
import { maxTries } from './backoff';
import { retryAt } from './schedule';
import type { Outbox } from './outbox';
import type { Rec } from './records';
import type { Reply } from './transport';
import type { Logger } from '../types';

/**
 * The record `r` (as leased for the try) leaves the outbox when answered 2xx or refused for good (other 4xx,
 * or its last try), with a console error when not delivered; else it is tried again later.
 */
export function settle(outbox: Outbox, log: Logger, random: () => number, r: Rec, [status, after, errors]: Reply): void {
  const list = outbox.read();
  const i = list.findIndex((x) => x.id == r.id);
  const rec = list[i];
  const ok = status > 199 && status < 300;
  // Gone (cleared, capped, adopted by another page), or a failure of a try since superseded.
  if (!rec || (!ok && rec.lease != r.lease)) return;
  const retry = !status || status == 429 || status > 499;
  const tries = rec.tries + 1;
  if (ok || !retry || tries >= maxTries) {
    list.splice(i, 1);
    // Refused: what Klaviyo said, where in the body.
    const why = retry ? ` after ${maxTries} tries` : (errors || []).map((e) => ` ${e.detail} at ${(e.source || {}).pointer}`).join(';');
    if (!ok) log.error(`dropped ${r.endpoint} request: ${status || 'network error'}${why}`);
  } else {
    list[i] = Object.assign({}, rec, { tries, at: retryAt(tries, after, Date.now(), random), lease: undefined });
  }
  outbox.write(list);
}
