import ky from 'ky';
import type { Endpoint } from '../types';

export interface ApiError {
  detail?: string;
  source?: { pointer?: string; parameter?: string };
}

/** [status, Retry-After, errors]; status 0: no answer (network error, timeout, no fetch). */
export type Reply = [status: number, retryAfter?: string | null, errors?: ApiError[]];

const headers = { revision: '2026-07-15', 'content-type': 'application/vnd.api+json' };

export async function post(
  options: { apiBase: string; fetch?: typeof fetch },
  endpoint: Endpoint,
  body: string,
  companyId: string,
  keepalive: boolean,
  timeout: number,
): Promise<Reply> {
  // Looked up per request: pages load polyfills or patch fetch after us. Called bare: native fetch
  // throws when `this` is some other object.
  const fetcher: typeof globalThis.fetch = (input, init) => (options.fetch || globalThis.fetch)(input, init);
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const abort = new AbortController();
    // One timeout for all of the request, a keepalive one and an error's body included (ky's covers
    // neither, so it is off): the lease outlives every request, and a stalled body cannot hang the queue.
    const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(abort.abort()), timeout)));
    const url = `${options.apiBase}/client/${endpoint}?company_id=${encodeURIComponent(companyId)}`;
    // keepalive false is a Request's default: ky passes it on unchanged.
    const init = { method: 'POST', headers, body, keepalive, signal: abort.signal };
    const response = await Promise.race([
      late,
      keepalive
        ? // The page is going away: a plain keepalive fetch, with no clone.
          fetcher(url, init)
        : // retry: 0 and throwHttpErrors: false: the retry schedule is the outbox's, because it must outlive
          // the page and be shared by tabs; ky retrying too would run a second, unpersisted schedule and
          // hide 429s.
          ky(url, Object.assign(init, { retry: 0, timeout: false as const, throwHttpErrors: false, fetch: fetcher })),
    ]);
    const { status } = response;
    let errors: ApiError[] | undefined;
    if (status > 399) {
      try {
        errors = (await Promise.race([late, response.json()])).errors;
      } catch {}
    }
    return [status, response.headers.get('retry-after'), errors];
  } catch {
    return [0];
  } finally {
    clearTimeout(timer);
  }
}
