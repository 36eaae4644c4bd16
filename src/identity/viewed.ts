import { list, money, objects, present } from '../adapters/ecommerce';
import { merge } from '../adapters/rename';
import { parseJson } from '../delivery/storage';
import type { Properties } from '../types';

// Klaviyo's "recently viewed items": kept on this device only, newest first, at most 20; nothing is sent.
const KEY = '__kla_viewed';

const first = (...values: unknown[]) => values.find(present);
const clean = (o: Properties) => {
  for (const k in o) if (!present(o[k])) delete o[k];
  return o;
};

// A list that does not parse is replaced; a storage that cannot be read is left alone.
const read = (storage: Storage) => objects(parseJson(storage.getItem(KEY)));

export function recentlyViewed(storage: Storage | undefined): Properties[] {
  try {
    return read(storage!);
  } catch {
    return [];
  }
}

/** Accepts klaviyo.js's `{ Title, ItemId, … Metadata }` and the Viewed Product spellings stores also pass. */
export function rememberViewedItem(item: Properties, storage: Storage | undefined, now: number): boolean {
  try {
    const id = first(item.ItemId, item.ProductID);
    if (!present(id)) return false;
    const meta = objects([item.Metadata])[0] || {};
    // Metadata's own value, else the item's (a Viewed Product spelling).
    const either = (k: string) => first(meta[k], item[k]);
    const entry = clean({
      Title: first(item.Title, item.Name, item.ProductName),
      ItemId: id,
      Categories: list(item.Categories),
      ImageUrl: first(item.ImageUrl, item.ImageURL),
      Url: first(item.Url, item.URL),
      Metadata: clean(
        merge(meta, {
          Brand: either('Brand'),
          Price: money(either('Price')),
          CompareAtPrice: money(either('CompareAtPrice')),
        }),
      ),
      LastViewedDate: Math.floor(now / 1000),
    });
    const rest = read(storage!).filter((i) => String(i.ItemId) != String(id));
    storage!.setItem(KEY, JSON.stringify([entry].concat(rest).slice(0, 20)));
    return true;
  } catch {
    return false;
  }
}

/** Opting out forgets the list too. */
export function forgetViewedItems(storage: Storage | undefined): void {
  try {
    storage!.removeItem(KEY);
  } catch {}
}
