// Web storage that may be missing, disabled or throwing on access (private modes, sandboxed iframes).
function probe(name: 'localStorage' | 'sessionStorage'): Storage | undefined {
  try {
    const storage = window[name];
    const key = '__kla_probe';
    storage.setItem(key, key);
    storage.removeItem(key);
    return storage;
  } catch {
    return undefined;
  }
}

export const localStore = () => probe('localStorage');
export const sessionStore = () => probe('sessionStorage');

/** `text` parsed; undefined when it is not JSON (tampered or foreign storage). */
export function parseJson(text: string | null): any {
  try {
    return JSON.parse(text!);
  } catch {}
}
