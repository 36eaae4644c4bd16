// Injected faults: a queue the next client requests consume, first matching fault first.
const known = new Set(['status', 'retryAfter', 'drop', 'delayMs', 'endpoint', 'times']);
const isObject = (value) => typeof value === 'object' && value !== null && !Array.isArray(value);
const isCount = (value, min) => Number.isInteger(value) && value >= min;

function problemOf(fault) {
  if (!isObject(fault)) return 'must be an object';
  const unknown = Object.keys(fault).find((key) => !known.has(key));
  if (unknown) return `unknown key '${unknown}'`;
  const { status, retryAfter, drop, delayMs, endpoint, times } = fault;
  if (status !== undefined && !(isCount(status, 200) && status <= 599)) return "'status' must be an HTTP status";
  if (retryAfter !== undefined && !isCount(retryAfter, 0)) return "'retryAfter' must be whole seconds";
  if (delayMs !== undefined && !isCount(delayMs, 0)) return "'delayMs' must be a whole number of ms";
  if (drop !== undefined && typeof drop !== 'boolean') return "'drop' must be a boolean";
  if (endpoint !== undefined && typeof endpoint !== 'string') return "'endpoint' must be an endpoint name";
  if (times !== undefined && !isCount(times, 1)) return "'times' must be 1 or more";
  if (status === undefined && !drop && !delayMs) return 'needs status, drop or delayMs';
  return undefined;
}

/**
 * Checked copies of one fault or a list of them; throws a TypeError naming the first bad one.
 * @param {unknown} input
 */
export function normalizeFaults(input) {
  const list = Array.isArray(input) ? input : [input];
  return list.map((fault, index) => {
    const problem = problemOf(fault);
    if (problem) throw new TypeError(`fault ${index}: ${problem}`);
    return { times: 1, ...fault };
  });
}

/** Consumes one use of the first fault meant for `endpoint`; returns it without its count. */
export function takeFault(queue, endpoint) {
  const index = queue.findIndex((fault) => !fault.endpoint || fault.endpoint === endpoint);
  if (index === -1) return undefined;
  const { times, ...fault } = queue[index];
  if (times <= 1) queue.splice(index, 1);
  else queue[index] = { ...queue[index], times: times - 1 };
  return fault;
}
