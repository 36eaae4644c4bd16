import type { Properties } from '../types';

/** What `{ ...a, ...b }` makes: a new object with the own enumerable keys of each source, later ones winning. */
export const merge = (...sources: unknown[]): Properties =>
  Object.fromEntries(([] as [string, unknown][]).concat(...sources.map((s) => Object.entries(s || {}))));

/** Removes key `k` from `o`, returning its value. */
export const take = (o: Properties, k: string): unknown => {
  const v = o[k];
  delete o[k];
  return v;
};

/**
 * A copy of `source` with keys renamed by `table`: rows of `target source1 source2…`, separated by `|`.
 * The first present source wins and is moved; the others stay, so nothing the store sent is lost.
 */
export function rename(source: unknown, table: string): Properties {
  const out = merge(source);
  for (const row of table.split('|')) {
    const [to, ...from] = row.split(' ');
    const k = from.find((f) => out[f] != null);
    if (k) out[to] = take(out, k);
  }
  return out;
}
