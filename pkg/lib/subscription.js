// Push from the Worker's writer of record: a WebSocket to its `/subscribe`, which sends
// `{"version": N}` on connecting and after every commit (worker/README.md, "Push"). This only
// says a version exists: the caller fetches the snapshot as it always does (with its ETag), and
// an engine never goes back to an older version, so a late or repeated message changes nothing.
// Reconnects with bounded, jittered exponential backoff; while it is down the caller's polling
// carries on, so a lost socket costs latency, never a version.

const MESSAGE = /^\{"version":(\d+|null)\}$/;

/**
 * @param url `ws:` or `wss:` URL of `/subscribe` (an `http(s):` URL is turned into one)
 * @param options `{ onVersion(version), onState(connected), WebSocket, minDelayMs, maxDelayMs, pingMs }`
 * @returns `{ close(), connected }`
 */
export function subscribeVersions(url, options = {}) {
  const WS = options.WebSocket ?? globalThis.WebSocket;
  if (typeof WS !== 'function') throw new Error('edgeflag: no WebSocket in this runtime: pass options.WebSocket');
  const target = String(url).replace(/^http/, 'ws');
  const [min, max] = [options.minDelayMs ?? 500, options.maxDelayMs ?? 30_000];
  const pingMs = options.pingMs ?? 30_000;
  let socket = null;
  let failures = 0;
  let closed = false;
  let retry = null;
  let ping = null;
  const state = { connected: false };

  const setConnected = (connected) => {
    if (state.connected === connected) return;
    state.connected = connected;
    try {
      options.onState?.(connected);
    } catch {}
  };

  const connect = () => {
    if (closed) return;
    try {
      socket = new WS(target);
    } catch {
      return schedule();
    }
    socket.addEventListener('open', () => {
      failures = 0;
      setConnected(true);
      // Keep-alive: answered by the runtime itself, so it never wakes the object.
      ping = setInterval(() => socket?.readyState === 1 && socket.send('ping'), pingMs);
    });
    socket.addEventListener('message', (e) => {
      const m = typeof e.data === 'string' ? MESSAGE.exec(e.data) : null;
      if (m && m[1] !== 'null') {
        try {
          options.onVersion?.(Number(m[1]));
        } catch {}
      }
    });
    socket.addEventListener('close', () => {
      clearInterval(ping);
      socket = null;
      setConnected(false);
      schedule();
    });
    // An error is followed by close, which reconnects.
    socket.addEventListener('error', () => {});
  };

  const schedule = () => {
    if (closed) return;
    const ceiling = Math.min(max, min * 2 ** Math.min(failures++, 16));
    retry = setTimeout(connect, ceiling / 2 + Math.random() * (ceiling / 2));
  };

  connect();
  return {
    get connected() {
      return state.connected;
    },
    close() {
      closed = true;
      clearTimeout(retry);
      clearInterval(ping);
      socket?.close();
      setConnected(false);
    },
  };
}
