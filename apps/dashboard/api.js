// Session and transport: the token in localStorage, REST with it, and the websocket.

const TOKEN_KEY = 'lab.token';

export const session = {
  get token() {
    return localStorage.getItem(TOKEN_KEY);
  },
  set token(value) {
    if (value) localStorage.setItem(TOKEN_KEY, value);
    else localStorage.removeItem(TOKEN_KEY);
  },
};

export async function getJson(path) {
  const response = await fetch(path, { headers: session.token ? { authorization: `Bearer ${session.token}` } : {} });
  if (response.status === 401) throw Object.assign(new Error('sign in'), { status: 401 });
  if (!response.ok) throw new Error(`${path}: ${response.status}`);
  return response.json();
}

export async function postJson(path, body) {
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(session.token ? { authorization: `Bearer ${session.token}` } : {}) },
    body: JSON.stringify(body),
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.message ?? `${path}: ${response.status}`);
  return data;
}

/** Trade a one-time login code (from the link printed at start) or a name and password for a session. */
export async function signIn(credentials) {
  const { token, user } = credentials.code ? await postJson('/api/auth/one-time', { code: credentials.code }) : await postJson('/api/auth/login', credentials);
  session.token = token;
  return user;
}

/**
 * The live connection: says hello with the token and the last sequence number seen, reconnects
 * with backoff, and sends overrides as numbered requests whose answers resolve promises.
 */
export class LiveSocket {
  constructor(handlers) {
    this.handlers = handlers;
    this.lastSeq = 0;
    this.nextRequest = 1;
    this.pending = new Map();
    this.delayMs = 500;
  }

  connect() {
    const socket = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`);
    this.socket = socket;
    socket.addEventListener('open', () => {
      this.delayMs = 500;
      this.handlers.onConnection('connected');
      socket.send(JSON.stringify({ event: 'hello', data: { token: session.token, lastSeq: this.lastSeq } }));
    });
    socket.addEventListener('message', (message) => {
      const { event, data } = JSON.parse(message.data);
      if (event === 'snapshot') {
        this.lastSeq = data.seq;
        this.handlers.onSnapshot(data);
      } else if (event === 'lab') {
        this.lastSeq = data.seq;
        this.handlers.onEvent(data);
      } else if (event === 'controlResult') {
        this.pending.get(data.requestId)?.(data);
        this.pending.delete(data.requestId);
      } else if (event === 'error') {
        this.handlers.onUnauthorized(data.message);
      }
    });
    socket.addEventListener('close', (event) => {
      this.handlers.onConnection('disconnected');
      if (event.code === 4401) return;
      setTimeout(() => this.connect(), this.delayMs);
      this.delayMs = Math.min(this.delayMs * 2, 10_000);
    });
  }

  /** Send an override; resolves with `{ok, ...}` or `{ok: false, error}`. */
  control(command) {
    const requestId = this.nextRequest++;
    return new Promise((resolve) => {
      this.pending.set(requestId, resolve);
      this.socket.send(JSON.stringify({ event: 'control', data: { requestId, command } }));
    });
  }
}
