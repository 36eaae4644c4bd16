import ky from 'ky';
import type { Rec } from './records';

export interface ApiError {
  detail?: string;
  source?: { pointer?: string; parameter?: string };
}

/** [status, Retry-After, errors]; status 0: no answer (network error, timeout, no fetch). */
export type Reply = [status: number, retryAfter?: string | null, errors?: ApiError[]];

const headers = { revision: '2026-07-15', 'content-type': 'application/vnd.api+json' };

/**
 * One try of record `r` (`body` serialized), ordinary or keepalive, through ky, under the record's own account
 * and API base; `fetch` replaces the page's (tests, server-side rendering). Never throws: a failure is status 0.
 */
export async function post(r: Rec, body: string, keepalive: boolean, timeout: number, fetch?: typeof globalThis.fetch): Promise<Reply> {
  // Looked up per request: pages load polyfills or patch fetch after us. Called bare: native fetch
  // throws when `this` is some other object.
  const fetcher = (request: Request) => (fetch || globalThis.fetch)(request);
  const end = Date.now() + timeout;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    // company_id in the URL, not ky's searchParams: for those, ky 0.28.7 rebuilds the Request from itself, which
    // makes the body a stream, and browsers refuse a keepalive request with a stream body.
    const response = await ky.post(`${r.apiBase}/client/${r.endpoint}?company_id=${encodeURIComponent(r.companyId!)}`, {
      headers,
      // Text, not ky's json option: that sends content-type application/json, and JSON:API has its own.
      body,
      keepalive,
      timeout,
      // The retry schedule is the outbox's, because it must outlive the page and be shared by tabs; ky
      // retrying too would run a second, unpersisted schedule and hide 429s.
      retry: 0,
      throwHttpErrors: false,
      fetch: fetcher as typeof fetch,
    });
    const { status } = response;
    let errors: ApiError[] | undefined;
    if (status > 399) {
      // ky's timeout (0.28.7) ends with the answer's headers: reading an error's body gets what is left of it.
      // Resolves undefined: setTimeout passes its callback nothing.
      const late = new Promise<undefined>((resolve) => {
        timer = setTimeout(resolve as () => void, end - Date.now());
      });
      try {
        errors = ((await Promise.race([response.json(), late])) || {}).errors;
      } catch {
        // Not JSON: the status says enough.
      }
    }
    return [status, response.headers.get('retry-after'), errors];
  } catch {
    // No answer (network error, timeout, no fetch): retried on the outbox's schedule, reported when dropped.
    return [0];
  } finally {
    clearTimeout(timer);
  }
}
