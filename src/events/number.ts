/**
 * Prices and values arrive as numbers, numeric strings ("34.00") or money strings ("$15.98", "1,299.00 €").
 * Anything that is not a finite number after that is `undefined`, so callers can leave the field out.
 */
export function toNumber(input: unknown): number | undefined {
  // Longer strings are no amount of money, and would make the regular expressions below slow.
  const cleaned = typeof input == 'string' && input.length <= 64 ? input.replace(/\s|[^\d.,+-]+$|^[^\d.,+-]+/g, '') : '';
  // Commas only as group separators (1,234,567 or India's 12,34,567): "12,99" and "1.299,00" (decimal commas)
  // are not guessed at.
  const n = typeof input == 'number' ? input : /^[+-]?((\d{1,3}(,\d{3})+|\d{1,2}(,\d{2})+,\d{3}|\d+)(\.\d*)?|\.\d+)$/.test(cleaned) ? +cleaned.replace(/,/g, '') : NaN;
  return isFinite(n) ? n : undefined;
}

// Klaviyo's limit per string.
const STRING_BYTES = 1e5;

/** A string within Klaviyo's 100 KB per string, cut on a character boundary. */
export function clip(text: string): string {
  if (text.length * 3 <= STRING_BYTES) return text;
  const utf8 = new TextEncoder().encode(text);
  return utf8.length <= STRING_BYTES ? text : new TextDecoder().decode(utf8.slice(0, STRING_BYTES)).replace(/\uFFFD$/, '');
}
