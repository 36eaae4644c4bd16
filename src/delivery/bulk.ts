import type { Rec } from './records';
import { byteSize, maxBytes } from './size';

type Doc = Record<string, any>;

const attributes = (r: Rec) => r.body.data.attributes as Doc;

/** An event bulk that may take more events: under 1,000. */
export const hasRoom = (r: Rec): boolean => r.endpoint == 'event-bulk-create' && attributes(r).events.data.length < 1e3;

// (No object rest/spread here and below: the bundle targets ES2017, where esbuild would add helpers.)
const entry = (r: Rec): Doc => {
  const copy = Object.assign({}, attributes(r));
  delete copy.profile;
  return { type: 'event', attributes: copy };
};

/**
 * Appends event `next` to `last` (an event or a bulk about the same visitor, not yet tried), making `last`
 * an event-bulk-create request, of at most 1,000 events and maxBytes. False when they cannot share one request.
 */
export function fold(last: Rec | undefined, next: Rec): boolean {
  // A repeated unique_id fails the whole bulk, and an event without one is deduplicated by its second:
  // only events with distinct unique_ids go together.
  if (!last || last.lease || last.tries || last.key != next.key || next.endpoint != 'events' || !next.uid) return false;
  // Never one request for two accounts.
  if (last.companyId != next.companyId || last.apiBase != next.apiBase) return false;
  const bulk = 'event-bulk-create';
  const single = last.endpoint != bulk;
  const events: Doc[] = !single ? attributes(last).events.data : last.endpoint == 'events' && last.uid ? [entry(last)] : [];
  if (!events.length || events.length >= 1e3 || events.some((e) => e.attributes.unique_id == next.uid)) return false;
  const body = single ? { data: { type: bulk, attributes: { profile: attributes(last).profile, events: { data: events } } } } : last.body;
  const added = entry(next);
  // Under maxBytes with one more event (and a comma): a bulk's size is kept in `bytes` (a single event has none), so
  // that it is measured once.
  const bytes = (last.bytes || byteSize(JSON.stringify(body))) + byteSize(JSON.stringify(added)) + 1;
  if (bytes > maxBytes) return false;
  // Still a single event: it becomes the bulk's first.
  if (single) {
    last.endpoint = bulk;
    last.body = body;
    delete last.uid;
  }
  events.push(added);
  last.bytes = bytes;
  return true;
}
