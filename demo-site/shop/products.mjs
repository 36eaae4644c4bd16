// The demo catalogue. Paths are relative; the browser makes them absolute.
export const products = [
  { id: '1001', sku: 'NW-BEANIE-RED', name: 'Alpine Wool Beanie', price: 24, compareAtPrice: 30,
    categories: ['Accessories', 'Hats'], brand: 'Northwind', art: 'beanie', color: '#c2453b' },
  { id: '1002', sku: 'NW-SOCK-3PK', name: 'Trail Socks, 3-pack', price: 18.5,
    categories: ['Apparel', 'Socks'], brand: 'Northwind', art: 'socks', color: '#3b7dc2' },
  { id: '1003', sku: 'HB-TOTE-CNV', name: 'Canvas Field Tote', price: 42,
    categories: ['Bags'], brand: 'Harbor & Co', art: 'tote', color: '#b08a4f' },
  { id: '1004', sku: 'EM-MUG-ENM', name: 'Enamel Camp Mug', price: 15.98,
    categories: ['Home', 'Kitchen'], brand: 'Ember', art: 'mug', color: '#2f8f6b' },
  { id: '1005', sku: 'NW-MERINO-TOP', name: 'Merino Base Layer', price: 68, compareAtPrice: 85,
    categories: ['Apparel', 'Tops'], brand: 'Northwind', art: 'shirt', color: '#5b4fa8' },
  { id: '1006', sku: 'EM-CANDLE-CDR', name: 'Cedar Candle', price: 22,
    categories: ['Home', 'Candles'], brand: 'Ember', art: 'candle', color: '#d4892a' },
  // Sold out: its page offers "Notify me when available" (klaviyo.subscribeBackInStock).
  { id: '1007', sku: 'HB-SHELL-STM', name: 'Storm Shell Jacket', price: 149, soldOut: true,
    categories: ['Apparel', 'Outerwear'], brand: 'Harbor & Co', art: 'shirt', color: '#44606e' },
].map((p) => ({ ...p, url: `/product/${p.id}`, imageUrl: `/img/${p.id}.svg` }));

export const byId = (id) => products.find((p) => p.id === id);

/** What the browser gets: the Product shape, without the drawing hints. */
export const catalogue = () => products.map(({ art, color, ...p }) => p);
