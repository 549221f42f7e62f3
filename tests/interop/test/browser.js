// A minimal "browser" for the redirect dance of the authorization code flow: fetch with
// `redirect: 'manual'` plus a cookie jar, so every hop is visible and the cookies Glint sets (the login
// and consent CSRF cookies, the remembered login session) ride along the way a browser would send them.
// It is not a real browser: no HTML, no JavaScript, and only the cookie rules these flows exercise
// (domain = exact host, path prefix, Max-Age/Expires, Secure only over https or to a loopback host).

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** One cookie as a browser keeps it. */
class StoredCookie {
  constructor(name, value, host, path, expiresAt, secure) {
    this.name = name;
    this.value = value;
    this.host = host;
    this.path = path;
    this.expiresAt = expiresAt;
    this.secure = secure;
  }

  matches(url) {
    if (url.hostname !== this.host) {
      return false;
    }
    if (this.secure && url.protocol !== 'https:' && !LOOPBACK.has(url.hostname)) {
      return false;
    }
    const path = url.pathname || '/';
    return path === this.path || path.startsWith(this.path.endsWith('/') ? this.path : `${this.path}/`);
  }
}

/** The default-path of RFC 6265 section 5.1.4. */
function defaultPath(url) {
  const path = url.pathname;
  if (!path.startsWith('/') || path.lastIndexOf('/') === 0) {
    return '/';
  }
  return path.slice(0, path.lastIndexOf('/'));
}

export class CookieJar {
  #cookies = [];

  /** Stores the Set-Cookie headers of a response to `url`. */
  store(url, headers) {
    for (const line of headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) {
        continue;
      }
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      let path = defaultPath(url);
      let expiresAt = Infinity;
      let secure = false;
      for (const attribute of attributes) {
        const [rawKey, ...rest] = attribute.split('=');
        const key = rawKey.trim().toLowerCase();
        const attributeValue = rest.join('=').trim();
        if (key === 'path' && attributeValue.startsWith('/')) {
          path = attributeValue;
        } else if (key === 'max-age' && /^-?\d+$/.test(attributeValue)) {
          expiresAt = Date.now() + Number(attributeValue) * 1000;
        } else if (key === 'expires' && expiresAt === Infinity) {
          const time = Date.parse(attributeValue);
          if (!Number.isNaN(time)) {
            expiresAt = time;
          }
        } else if (key === 'secure') {
          secure = true;
        }
      }
      this.#cookies = this.#cookies.filter((c) => !(c.name === name && c.host === url.hostname && c.path === path));
      if (expiresAt > Date.now()) {
        this.#cookies.push(new StoredCookie(name, value, url.hostname, path, expiresAt, secure));
      }
    }
  }

  /** The Cookie header value for a request to `url`, or undefined when no cookie applies. */
  header(url) {
    const now = Date.now();
    this.#cookies = this.#cookies.filter((c) => c.expiresAt > now);
    const sent = this.#cookies
      .filter((c) => c.matches(url))
      .sort((a, b) => b.path.length - a.path.length)
      .map((c) => `${c.name}=${c.value}`);
    return sent.length > 0 ? sent.join('; ') : undefined;
  }

  /** Cookie names the jar would send to `url` (for assertions and messages). */
  names(url) {
    return (this.header(url) ?? '').split('; ').filter(Boolean).map((pair) => pair.split('=')[0]);
  }
}

export class Browser {
  constructor() {
    this.jar = new CookieJar();
    /** Every request made, as `METHOD url -> status [location]`, for failure messages. */
    this.history = [];
  }

  /**
   * One request, no redirect following. Returns { url, status, location, headers, text }
   * where location is absolute (resolved against the request URL) or undefined.
   */
  async request(url, { method = 'GET', headers = {}, body } = {}) {
    const target = new URL(url);
    const cookie = this.jar.header(target);
    const response = await fetch(target, {
      method,
      redirect: 'manual',
      headers: { accept: 'text/html,application/json;q=0.9,*/*;q=0.8', ...(cookie ? { cookie } : {}), ...headers },
      body,
    });
    this.jar.store(target, response.headers);
    const rawLocation = response.headers.get('location');
    const location = rawLocation ? new URL(rawLocation, target).href : undefined;
    const text = await response.text();
    this.history.push(`${method} ${target.href} -> ${response.status}${location ? ` ${location}` : ''}`);
    return { url: target.href, status: response.status, location, headers: response.headers, text };
  }

  /**
   * Follows redirects from `url` until the next location satisfies `stop(locationUrl)`; returns that
   * location (not requested). Throws with the whole trail when a response is not a redirect first.
   */
  async followUntil(url, stop, { maxHops = 20 } = {}) {
    let next = url;
    for (let hop = 0; hop < maxHops; hop += 1) {
      const response = await this.request(next);
      if (!response.location) {
        throw new Error(
          `expected a redirect, got ${response.status} ${response.text.slice(0, 500)}\n${this.trail()}`,
        );
      }
      if (stop(new URL(response.location))) {
        return new URL(response.location);
      }
      next = response.location;
    }
    throw new Error(`more than ${maxHops} redirects\n${this.trail()}`);
  }

  /** The requests made so far, one a line. */
  trail() {
    return this.history.map((line) => `  ${line}`).join('\n');
  }
}
