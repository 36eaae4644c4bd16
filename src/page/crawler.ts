// Googlebot, bingbot, AdsBot-Google, YandexBot, DuckDuckBot and Baiduspider are caught by the generic words,
// facebookexternalhit by "externalhit". "bot" not after a "u": Cubot, a maker of Android phones, is named in
// its phones' user agents.
const CRAWLER = /(^|[^u])bot|crawl|spider|slurp|externalhit/i;

/** A search engine's or link preview's crawler, by its user agent: such a visitor sends and stores nothing. */
export const isCrawler = (userAgent: string) => CRAWLER.test(userAgent);
