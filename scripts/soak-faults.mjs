// For `npm run soak`: the emulator behind a small proxy that, for a share of the client POSTs passing
// through, queues one random fault in the emulator just before forwarding the request, so that this very
// request consumes it. The emulator itself is untouched; its record still says verdict 'fault' and which.
import { createServer, request as forward, Agent } from 'node:http';
import { startEmulator } from '../demo-site/emulator/server.mjs';

/** The fault mix: [weight, make]. Delays past ky's 10 s timeout make the client give up on a request the API then accepts. */
const mix = [
  [30, (r) => ({ status: 429, retryAfter: 1 + Math.floor(r() * 3) })],
  [25, () => ({ status: 503 })],
  [5, () => ({ status: 500 })],
  [20, () => ({ drop: true })],
  [17, (r) => ({ delayMs: 100 + Math.floor(r() * 2900) })],
  [3, (r) => ({ delayMs: 10_500 + Math.floor(r() * 1000) })],
];
const total = mix.reduce((sum, [w]) => sum + w, 0);

export function randomFault(random = Math.random) {
  let pick = random() * total;
  for (const [weight, make] of mix) if ((pick -= weight) < 0) return make(random);
  return mix[0][1](random);
}

/**
 * @param {{ rate?: number, random?: () => number }} [options] rate: the share of client POSTs given a fault
 */
export async function startFaultyEmulator({ rate = 0.2, random = Math.random } = {}) {
  const emulator = await startEmulator({ quiet: true });
  const upstream = new URL(emulator.url);
  const agent = new Agent({ keepAlive: true });
  let enabled = true;
  let decided = 0;
  let injected = 0;

  const server = createServer((req, res) => {
    if (enabled && req.method === 'POST' && req.url?.startsWith('/client/')) {
      decided++;
      if (random() < rate) {
        injected++;
        emulator.setFaults([randomFault(random)]);
      } else emulator.setFaults([]);
    }
    const out = forward(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers, agent },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    // The emulator dropped the connection (a `drop` fault, an outage): so does the proxy, towards the page.
    out.on('error', () => req.socket.destroy());
    req.on('error', () => out.destroy());
    // The page gave up (ky's timeout, a page going away): let the emulator's side go too.
    res.on('close', () => !res.writableFinished && out.destroy());
    req.pipe(out);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());

  return {
    /** Where the page posts: the proxy. */
    url: `http://127.0.0.1:${port}`,
    emulator,
    /** Stop injecting (e.g. while draining at the end). */
    setEnabled: (on) => void ((enabled = on), on || emulator.setFaults([])),
    stats: () => ({ decided, injected }),
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(() => resolve(undefined)));
      agent.destroy();
      await emulator.close();
    },
  };
}
