import { beforeEach, describe, expect, test } from 'vitest';
import { recentlyViewed, rememberViewedItem } from '../src/identity/viewed';

const NOW = Date.parse('2026-01-01T00:00:00Z');

function memory(): Storage {
  const data = new Map<string, string>();
  return {
    get length() {
      return data.size;
    },
    clear: () => data.clear(),
    getItem: (k) => data.get(k) ?? null,
    key: (i) => [...data.keys()][i] ?? null,
    removeItem: (k) => void data.delete(k),
    setItem: (k, v) => void data.set(k, String(v)),
  };
}

describe('rememberViewedItem', () => {
  let storage: Storage;
  beforeEach(() => {
    storage = memory();
  });

  test("keeps klaviyo.js's shape, prices as numbers, nothing empty", () => {
    const item = {
      Title: 'Trail Runner 2',
      ItemId: '2a88d9b5',
      Categories: ['Shoes', 'Running'],
      ImageUrl: 'https://shop.example/trail.jpg',
      Url: 'https://shop.example/trail',
      Metadata: { Brand: null, Price: '89.95', CompareAtPrice: null, VariationID: '2203' },
    };
    expect(rememberViewedItem(item, storage, NOW)).toBe(true);
    expect(recentlyViewed(storage)).toEqual([
      {
        Title: 'Trail Runner 2',
        ItemId: '2a88d9b5',
        Categories: ['Shoes', 'Running'],
        ImageUrl: 'https://shop.example/trail.jpg',
        Url: 'https://shop.example/trail',
        Metadata: { Price: 89.95, VariationID: '2203' },
        LastViewedDate: NOW / 1000,
      },
    ]);
  });

  test('accepts the Viewed Product spellings stores pass to it too', () => {
    rememberViewedItem(
      {
        Name: 'Snowboard',
        ProductID: '8123',
        ImageURL: 'https://cdn.example/board.png',
        URL: 'https://shop.example/board',
        Brand: 'Vendor',
        Price: '749.95',
        Metadata: { Price: null, CompareAtPrice: { amount: '799.95', currencyCode: 'USD' } },
        Handle: 'board',
      },
      storage,
      NOW,
    );
    expect(recentlyViewed(storage)[0]).toEqual({
      Title: 'Snowboard',
      ItemId: '8123',
      ImageUrl: 'https://cdn.example/board.png',
      Url: 'https://shop.example/board',
      Metadata: { Brand: 'Vendor', Price: 749.95, CompareAtPrice: 799.95 },
      LastViewedDate: NOW / 1000,
    });
  });

  test('newest first, one entry per ItemId (87 and "87" are the same), at most 20', () => {
    for (let i = 0; i < 25; i++) rememberViewedItem({ ItemId: i, Title: `#${i}` }, storage, NOW + i * 1000);
    rememberViewedItem({ ItemId: '10', Title: 'again' }, storage, NOW + 99_000);
    const list = recentlyViewed(storage);
    expect(list).toHaveLength(20);
    expect(list.map((i) => i.ItemId).slice(0, 4)).toEqual(['10', 24, 23, 22]);
    expect(list.filter((i) => String(i.ItemId) === '10')).toHaveLength(1);
    expect(list[0].Title).toBe('again');
  });

  test('an item with no ItemId is not kept', () => {
    expect(rememberViewedItem({ Title: 'No id' }, storage, NOW)).toBe(false);
    expect(rememberViewedItem({ ItemId: '' }, storage, NOW)).toBe(false);
    expect(recentlyViewed(storage)).toEqual([]);
  });

  test('no storage, or storage that throws: false, never a throw', () => {
    expect(rememberViewedItem({ ItemId: 1 }, undefined, NOW)).toBe(false);
    const full = { ...memory(), setItem: () => { throw new DOMException('full', 'QuotaExceededError'); } } as Storage;
    expect(rememberViewedItem({ ItemId: 1 }, full, NOW)).toBe(false);
    const blocked = { ...memory(), getItem: () => { throw new DOMException('denied', 'SecurityError'); } } as Storage;
    expect(rememberViewedItem({ ItemId: 1 }, blocked, NOW)).toBe(false);
    expect(recentlyViewed(blocked)).toEqual([]);
    expect(recentlyViewed(undefined)).toEqual([]);
  });

  test('a corrupt stored list is replaced, not fatal', () => {
    storage.setItem('__kla_viewed', '{not json');
    expect(recentlyViewed(storage)).toEqual([]);
    expect(rememberViewedItem({ ItemId: 'a' }, storage, NOW)).toBe(true);
    storage.setItem('__kla_viewed', JSON.stringify({ not: 'a list' }));
    expect(recentlyViewed(storage)).toEqual([]);
    storage.setItem('__kla_viewed', JSON.stringify([null, 3, { ItemId: 'b' }]));
    expect(recentlyViewed(storage)).toEqual([{ ItemId: 'b' }]);
  });

  test('works with the browser localStorage', () => {
    localStorage.clear();
    expect(rememberViewedItem({ ItemId: 'x', Title: 'X' }, localStorage, NOW)).toBe(true);
    expect(recentlyViewed(localStorage)).toEqual([{ ItemId: 'x', Title: 'X', Metadata: {}, LastViewedDate: NOW / 1000 }]);
  });
});
