import type { Emulator } from './emulator/server.mjs';

export interface DemoOptions {
  /** the storefront's port; 0 picks a free one (default 0) */
  shopPort?: number;
  /** the API emulator's port; 0 picks a free one (default 0) */
  emulatorPort?: number;
  /** false: log each emulator request (default true) */
  quiet?: boolean;
  /** false: data-activity="off" on every page, no Active on Site events (default true) */
  activity?: boolean;
}

export interface Demo {
  /** e.g. `http://127.0.0.1:8080`, no trailing slash */
  shopUrl: string;
  /** the pages' `data-api-base`, no trailing slash */
  emulatorUrl: string;
  /** null when demo-site/emulator/server.mjs could not be loaded */
  emulator: Emulator | null;
  /** stops the shop, then the emulator */
  close(): Promise<void>;
}

/** Starts the emulator and the shop in-process, both on 127.0.0.1. Does not build dist/. */
export function startDemo(options?: DemoOptions): Promise<Demo>;

/** True when dist/klaviyo-lite.js is missing or older than anything in src/. */
export function stale(): boolean;

/** Runs `node esbuild.config.mjs` when the build is stale; resolves to whether dist/ is usable. */
export function ensureBuild(): Promise<boolean>;
