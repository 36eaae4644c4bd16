import type { Properties } from '../types';

/** What `{ ...a, ...b }` makes: a new object with the own enumerable keys of each source, later ones winning. */
export const merge = (...sources: unknown[]): Properties =>
  Object.fromEntries(sources.flatMap((s) => Object.entries(s || {})));

/** Removes key `k` from `o`, returning its value. */
export const take = (o: Properties, k: string): unknown => {
  const v = o[k];
  delete o[k];
  return v;
};

/**
 * A merged copy of the `sources` with keys renamed by `table`: rows of `target source1 source2…`, separated
 * by `|`. The first present source wins and is moved; the others stay, so nothing the store sent is lost.
 */
export function rename(table: string, ...sources: unknown[]): Properties {
  const out = merge(...sources);
  for (const row of table.split('|')) {
    const [to, ...from] = row.split(' ');
    const k = from.find((f) => out[f] != null);
    if (k) out[to] = take(out, k);
  }
  return out;
}
