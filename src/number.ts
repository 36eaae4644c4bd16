/**
 * Prices and values arrive as numbers, numeric strings ("34.00") or money strings ("$15.98", "1,299.00 €").
 * Anything that is not a finite number after that is `undefined`, so callers can leave the field out.
 */
export function toNumber(input: unknown): number | undefined {
  if (typeof input === 'number') return Number.isFinite(input) ? input : undefined;
  if (typeof input !== 'string') return undefined;
  const cleaned = input.replace(/[\s,]|[^\d.+-]+$|^[^\d.+-]+/g, '');
  if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(cleaned)) return undefined;
  const n = Number(cleaned);
  return Number.isFinite(n) ? n : undefined;
}
