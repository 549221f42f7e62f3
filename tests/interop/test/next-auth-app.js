// next-auth 4.24 (the real package) as an app, without Next.js: a small node:http server hands its
// `/api/auth/*` requests to the package's own API-route handler (the default export of `next-auth`, what an
// app's `pages/api/auth/[...nextauth].js` calls) in the shape Next.js would: req.query.nextauth, parsed body
// and cookies; res.status/setHeader/getHeader/end/json/send. Any other path answers `app page <path>`.
// NEXTAUTH_URL is the server's loopback URL; each test file runs in a process of its own, so setting it and
// NEXTAUTH_SECRET in the environment (where next-auth reads them) is safe.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import nextAuthModule from 'next-auth';

const NextAuth = nextAuthModule.default ?? nextAuthModule;

function parseCookies(header) {
  const cookies = {};
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) {
      cookies[part.slice(0, eq).trim()] = decodeURIComponent(part.slice(eq + 1).trim());
    }
  }
  return cookies;
}

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) {
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  const type = req.headers['content-type'] ?? '';
  if (text === '') {
    return {};
  }
  if (type.includes('application/json')) {
    return JSON.parse(text);
  }
  return Object.fromEntries(new URLSearchParams(text));
}

export class NextAuthApp {
  /** What next-auth logged as errors (its logger), for failure messages. */
  errors = [];

  /** e.g. http://127.0.0.1:PORT, what NEXTAUTH_URL points at; set by start(). */
  url;

  #server;
  #options;

  async start() {
    this.#server = createServer((req, res) => {
      const url = new URL(req.url, this.url);
      const handled = url.pathname.startsWith('/api/auth/')
        ? this.#handleAuthRoute(req, res, url)
        : Promise.resolve().then(() => {
          res.setHeader('content-type', 'text/plain');
          res.end(`app page ${url.pathname}`);
        });
      handled.catch((error) => {
        this.errors.push(`shim: ${error.stack ?? error}`);
        if (!res.headersSent) {
          res.statusCode = 500;
        }
        res.end();
      });
    });
    await new Promise((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${this.#server.address().port}`;
    process.env.NEXTAUTH_URL = this.url;
    process.env.NEXTAUTH_SECRET = randomBytes(32).toString('base64url');
  }

  async stop() {
    await new Promise((resolve) => (this.#server ? this.#server.close(resolve) : resolve()));
  }

  /** The callback URL next-auth uses for the provider with this id. */
  callback(providerId) {
    return `${this.url}/api/auth/callback/${providerId}`;
  }

  /**
   * Serves the providers with a JWT session that keeps the access token (as `session.accessToken`) and the
   * subject (as `session.user.id`), logging next-auth's errors into `errors`.
   */
  use(providers) {
    this.errors.length = 0;
    this.#options = {
      secret: process.env.NEXTAUTH_SECRET,
      providers,
      session: { strategy: 'jwt' },
      callbacks: {
        async jwt({ token, account }) {
          if (account) {
            token.accessToken = account.access_token;
          }
          return token;
        },
        async session({ session, token }) {
          return { ...session, user: { ...session.user, id: token.sub }, accessToken: token.accessToken };
        },
      },
      logger: {
        error: (code, metadata) => {
          this.errors.push(`${code}: ${metadata?.message ?? ''} ${JSON.stringify(metadata?.error_description ?? metadata?.error?.message ?? '')}`);
        },
        warn() {},
        debug() {},
      },
    };
  }

  /** Next.js's API route request and response, as much of them as next-auth's handler touches. */
  async #handleAuthRoute(req, res, url) {
    const query = Object.fromEntries(url.searchParams);
    query.nextauth = url.pathname.slice('/api/auth/'.length).split('/').filter(Boolean);
    const nextReq = {
      method: req.method,
      headers: req.headers,
      query,
      cookies: parseCookies(req.headers.cookie),
      body: req.method === 'POST' ? await readBody(req) : undefined,
    };
    const nextRes = {
      status(code) {
        res.statusCode = code;
        return nextRes;
      },
      setHeader(name, value) {
        res.setHeader(name, value);
        return nextRes;
      },
      getHeader(name) {
        return res.getHeader(name);
      },
      end(body) {
        res.end(body);
      },
      json(value) {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(value));
      },
      send(body) {
        if (body !== null && typeof body === 'object' && !Buffer.isBuffer(body)) {
          nextRes.json(body);
        } else {
          if (!res.hasHeader('content-type')) {
            res.setHeader('content-type', 'text/html; charset=utf-8');
          }
          res.end(body ?? '');
        }
      },
    };
    await NextAuth(nextReq, nextRes, this.#options);
  }
}
