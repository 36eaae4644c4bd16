import type { Endpoint } from './schemas.mjs';

export interface Limit {
  /** requests per second */
  burst: number;
  /** requests per minute */
  steady: number;
}

export interface Fault {
  status?: number;
  retryAfter?: number;
  drop?: boolean;
  delayMs?: number;
  endpoint?: Endpoint;
  times?: number;
}

export interface JsonApiError {
  id: string;
  status: number;
  code: string;
  title: string;
  detail: string;
  source?: { pointer?: string; parameter?: string };
  links: Record<string, unknown>;
  meta: Record<string, unknown>;
}

export interface EmulatorRecord {
  seq: number;
  time: string;
  method: string;
  path: string;
  endpoint: Endpoint | null;
  companyId: string | null;
  revision: string | null;
  contentType: string | null;
  origin: string | null;
  keepalive?: unknown;
  body: unknown;
  /** 0 when the connection was dropped */
  status: number;
  verdict: 'accepted' | 'invalid' | 'throttled' | 'fault' | 'duplicate';
  errors?: JsonApiError[];
  metric?: string;
  metrics?: unknown[];
  profile?: Record<string, string>;
  uniqueIds?: string[];
  duplicate?: boolean;
  /** bulk: how many entries were already counted */
  duplicates?: number;
  fault?: Omit<Fault, 'times'> | { offline: true };
}

export interface EmulatorOptions {
  port?: number;
  host?: string;
  limits?: Partial<Record<Endpoint, Partial<Limit>>>;
  quiet?: boolean;
}

export interface Emulator {
  url: string;
  port: number;
  close(): Promise<void>;
  requests(): EmulatorRecord[];
  reset(): void;
  setFaults(list: Fault | Fault[]): void;
}

export function startEmulator(options?: EmulatorOptions): Promise<Emulator>;
export function describe(record: EmulatorRecord): string;
