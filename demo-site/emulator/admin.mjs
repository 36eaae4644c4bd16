// The emulator's own API under /__emulator/: records, faults, outages, a live stream.
import { parseJson, readBody, send } from './http.mjs';

const fail = (res, status, detail) => send(res, status, { error: detail });

/**
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 * @param {URL} url
 * @param {any} emulator the server's internal API
 */
export async function admin(req, res, url, emulator) {
  const since = url.searchParams.has('since') ? Number(url.searchParams.get('since')) || 0 : undefined;
  switch (`${req.method} ${url.pathname.replace(/\/$/, '')}`) {
    case 'GET /__emulator/health':
      return send(res, 200, emulator.health());
    case 'GET /__emulator/requests':
      return send(res, 200, emulator.records(since ?? 0));
    case 'DELETE /__emulator/requests':
      emulator.reset();
      return send(res, 200, { ok: true });
    case 'GET /__emulator/faults':
      return send(res, 200, emulator.faults());
    case 'DELETE /__emulator/faults':
      emulator.setFaults([]);
      return send(res, 200, []);
    case 'POST /__emulator/faults': {
      const input = await readJson(req);
      if ('error' in input) return fail(res, 400, input.error);
      try {
        emulator.addFaults(input.value);
      } catch (error) {
        return fail(res, 400, /** @type {Error} */ (error).message);
      }
      return send(res, 200, emulator.faults());
    }
    case 'POST /__emulator/offline': {
      const input = await readJson(req);
      const ms = input.value?.ms;
      if (!Number.isInteger(ms) || ms < 0) return fail(res, 400, 'send { "ms": <whole milliseconds> }');
      return send(res, 200, { offlineUntil: new Date(emulator.offline(ms)).toISOString() });
    }
    case 'GET /__emulator/stream':
      return emulator.stream(req, res, since);
    default:
      return fail(res, 404, `no admin route ${req.method} ${url.pathname}`);
  }
}

async function readJson(req) {
  const { text, tooLarge } = await readBody(req, 64 * 1024);
  if (tooLarge) return { error: 'body too large' };
  const parsed = parseJson(text);
  return 'error' in parsed ? { error: `body is not JSON: ${parsed.error}` } : parsed;
}
