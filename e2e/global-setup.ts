import { chromiumPath } from './browser';

// Resolve the browser once: two workers unpacking @sparticuz/chromium at the same time trip over each other.
export default async function globalSetup() {
  process.env.CHROMIUM_PATH = await chromiumPath();
}
