import type { Properties } from '../types';

/**
 * A copy of `source` with keys renamed by `table`: rows of `target source1 source2…`, separated by `|`.
 * The first present source wins and is moved; the others stay, so nothing the store sent is lost.
 */
export function rename(source: Properties, table: string): Properties {
  const out = { ...source };
  for (const row of table.split('|')) {
    const [to, ...from] = row.split(' ');
    const k = from.find((f) => out[f] != null);
    if (k) {
      const v = out[k];
      delete out[k];
      out[to] = v;
    }
  }
  return out;
}
