// Every call the console makes: the management API on this same host, with the function key as x-functions-key.
// The key lives in sessionStorage only (gone when the tab closes), is never put in a URL and never logged.

const KEY = 'callbackfunctions.functionKey';

export const key = {
  get: () => sessionStorage.getItem(KEY),
  set: (value) => sessionStorage.setItem(KEY, value),
  clear: () => sessionStorage.removeItem(KEY),
};

/** Thrown when the API refuses the key (401/403): the shell asks for it again. */
export class KeyRefused extends Error {
  constructor() { super('the function key was refused'); }
}

/** An answer the API gave: status, body (JSON, problem+json or null) and ETag. */
export class Answer {
  constructor(status, body, etag) { this.status = status; this.body = body; this.etag = etag; }
  get ok() { return this.status >= 200 && this.status < 300; }
  /** The problem+json's field errors ({"intervals[0]": ["..."]}), or {}. */
  get errors() { return (this.body && typeof this.body === 'object' && this.body.errors) || {}; }
  /** One sentence for a refusal: the problem's detail or title. */
  get message() {
    if (this.ok) return '';
    const b = this.body;
    if (b && typeof b === 'object') return b.detail || b.title || `The API answered ${this.status}`;
    return `The API answered ${this.status}`;
  }
}

/**
 * One request to the API. `path` is under /api (e.g. "/api/agents"); `body` is sent as JSON. Answers every status
 * as an Answer, except a refused key, which throws KeyRefused.
 */
export async function call(method, path, { body, etag, signal, useKey = true } = {}) {
  const headers = { Accept: 'application/json' };
  const k = key.get();
  if (useKey && k) headers['x-functions-key'] = k;
  if (etag) headers['If-None-Match'] = etag;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, {
    method, headers, signal, cache: 'no-store', credentials: 'omit',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (useKey && (response.status === 401 || response.status === 403)) throw new KeyRefused();
  const type = response.headers.get('Content-Type') || '';
  let parsed = null;
  if (response.status !== 204 && response.status !== 304) {
    const text = await response.text();
    if (type.includes('json') && text) {
      try { parsed = JSON.parse(text); } catch { parsed = null; }
    } else {
      parsed = text || null;
    }
  }
  return new Answer(response.status, parsed, response.headers.get('ETag'));
}

/** Whether the API wants a key: one anonymous request to a keyed route (the local host checks none). */
export async function needsKey() {
  const answer = await call('GET', '/api/agents', { useKey: false });
  return answer.status === 401 || answer.status === 403;
}

/** Whether the key is accepted (a keyed route answers something other than 401/403). */
export async function keyWorks() {
  try { await call('GET', '/api/agents'); return true; } catch (e) { if (e instanceof KeyRefused) return false; throw e; }
}

// The last body and ETag of each polled URL: a 304 answers with the body we already have.
const cache = new Map();

/**
 * GET with If-None-Match: { body, changed } where changed is false when the API answered 304 (nothing new). A
 * refusal (404, 400, ...) is returned as { answer } so the view can say it.
 */
export async function getFresh(path, signal) {
  const known = cache.get(path);
  const answer = await call('GET', path, { etag: known?.etag, signal });
  if (answer.status === 304 && known) return { body: known.body, changed: false, answer };
  if (answer.ok) {
    cache.set(path, { etag: answer.etag, body: answer.body });
    return { body: answer.body, changed: true, answer };
  }
  cache.delete(path);
  return { body: null, changed: true, answer };
}

/** The poll period: at most one round every 2 s (issue 17), and none while the page is hidden. */
export const POLL_MS = 2000;

/**
 * Runs `round` now and then every POLL_MS while the page is visible, until `signal` aborts. A hidden page polls
 * nothing; it catches up at once when it is shown again. Rounds never overlap.
 */
export function live(round, signal, onError) {
  let timer = null;
  let running = false;
  const tick = async () => {
    timer = null;
    if (signal.aborted || document.hidden || running) return;
    running = true;
    try {
      await round();
      document.dispatchEvent(new Event('console:polled')); // the shell clears a "could not reach the API" note
    } catch (e) { if (!signal.aborted) onError?.(e); } finally { running = false; }
    if (!signal.aborted && !document.hidden) timer = setTimeout(tick, POLL_MS);
  };
  const onVisibility = () => {
    if (document.hidden) { if (timer) { clearTimeout(timer); timer = null; } }
    else if (!timer && !running) tick();
  };
  document.addEventListener('visibilitychange', onVisibility, { signal });
  signal.addEventListener('abort', () => { if (timer) clearTimeout(timer); });
  tick();
}
