// The page's guards (docs/ui.md, "Security"). The server is reachable by every program and every
// web page the user's browser opens, so each request must prove it came from the page nbv printed:
// - the Host header must name a loopback address (or the --host given): a DNS-rebinding page has
//   the browser send its own host name;
// - the token from the printed address: in the `X-Nbv-Token` header for the API (a header no
//   cross-site form or image can send), or in a cookie for the page's own files;
// - state changes only by POST with the header token and a JSON body;
// - no CORS headers ever, and a Content-Security-Policy with no inline script.
import crypto from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const TOKEN_HEADER = 'x-nbv-token';
export const TOKEN_COOKIE = 'nbv_token';

export function newToken(): string {
  return crypto.randomBytes(24).toString('base64url');
}

/** Equal tokens, compared in constant time. */
export function sameToken(given: string | null | undefined, token: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** The host part of a Host header (`127.0.0.1:8080`, `[::1]:8080`), lower case. */
export function hostName(header: string | undefined): string | null {
  if (!header) return null;
  const m = /^(\[[0-9a-f:.]+\]|[^:\[\]]+)(?::\d{1,5})?$/i.exec(header.trim());
  return m ? m[1]!.toLowerCase() : null;
}

export function allowedHost(header: string | undefined, boundHost: string): boolean {
  const name = hostName(header);
  if (name === null) return false;
  if (LOOPBACK_NAMES.has(name) || /^127(?:\.\d{1,3}){3}$/.test(name)) return true;
  // With --host the user chose an address; that literal address is then a fine Host too.
  const bound = boundHost.includes(':') && !boundHost.startsWith('[') ? `[${boundHost.toLowerCase()}]` : boundHost.toLowerCase();
  return name === bound;
}

export function cookieToken(req: IncomingMessage): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === TOKEN_COOKIE) return rest.join('=');
  }
  return null;
}

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  // Thumbnails and clips load from the outputs' own URLs, wherever they are hosted.
  "img-src 'self' http: https: data:",
  'media-src http: https:',
  "connect-src 'self'",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Headers on every answer. `no-referrer`: the page's address holds the token, and thumbnails
 * load from other hosts, which must not learn it. */
export function setCommonHeaders(res: ServerResponse): void {
  res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  res.setHeader('Cache-Control', 'no-store');
}
