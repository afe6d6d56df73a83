// HTTP API handler behind CloudFront (payload format 2.0).
//
// Routes:
//   GET  /api/me           the caller's identity, cacheable for CACHE_TTL_SECONDS
//   POST /api/write/notes  validates a JSON note and returns it (never cached)
//
// Every request must carry the X-Origin-Verify header that CloudFront adds; requests sent
// straight to the execute-api endpoint lack it and get 403.
//
// Environment:
//   ORIGIN_VERIFY_SECRET  value CloudFront sends in X-Origin-Verify (empty: reject everything)
//   CACHE_TTL_SECONDS     max-age sent on GET /api/me (default 5)
//   AUTH_MODE             "jwt": identity from the HTTP API JWT authorizer; "none": anonymous

import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';

export const MAX_BODY_BYTES = 8 * 1024; // the WAF common rule set blocks larger bodies anyway
export const MAX_TEXT_LENGTH = 2000;
export const MAX_TAGS = 10;
const TAG_PATTERN = /^[a-z0-9][a-z0-9-]{0,31}$/;
const NOTE_FIELDS = new Set(['text', 'tags']);
const NO_STORE = 'no-store';

export function config(env = process.env) {
  const ttl = Number.parseInt(env.CACHE_TTL_SECONDS ?? '5', 10);
  return {
    secret: env.ORIGIN_VERIFY_SECRET ?? '',
    ttl: Number.isInteger(ttl) && ttl >= 0 ? ttl : 5,
    authMode: env.AUTH_MODE === 'none' ? 'none' : 'jwt',
  };
}

// Compares the header with the secret in constant time: both sides are hashed first so
// that timingSafeEqual always sees equal lengths and the secret's length does not leak.
export function originVerified(headers, secret) {
  if (!secret) return false;
  const received = headers ? headers['x-origin-verify'] : undefined;
  if (typeof received !== 'string' || received.length === 0) return false;
  const a = createHash('sha256').update(received, 'utf8').digest();
  const b = createHash('sha256').update(secret, 'utf8').digest();
  return timingSafeEqual(a, b);
}

// One JSON object per line on stdout. Lambda passes stdout lines through unchanged, so these
// stay valid JSON in CloudWatch whatever the function's log format is.
let writeLine = (text) => process.stdout.write(text);

export function setLogWriter(fn) {
  const previous = writeLine;
  writeLine = fn;
  return previous;
}

export function log(level, message, fields = {}) {
  const line = { timestamp: new Date().toISOString(), level, message, ...fields };
  writeLine(`${JSON.stringify(line)}\n`);
}

function respond(statusCode, body, cacheControl, extraHeaders = {}) {
  return {
    statusCode,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': cacheControl,
      ...extraHeaders,
    },
    body: JSON.stringify(body),
  };
}

const error = (statusCode, message, extra = {}) =>
  respond(statusCode, { message, ...extra }, NO_STORE);

function identity(event, cfg) {
  if (cfg.authMode === 'none') return { sub: 'anonymous' };
  const claims = event.requestContext?.authorizer?.jwt?.claims;
  if (!claims || typeof claims.sub !== 'string' || claims.sub === '') return null;
  const user = { sub: claims.sub };
  for (const name of ['email', 'scope', 'iss']) {
    if (typeof claims[name] === 'string') user[name] = claims[name];
  }
  return user;
}

function getMe(event, cfg) {
  const user = identity(event, cfg);
  if (!user) return error(401, 'Unauthorized');
  // max-age without "private": CloudFront may cache it (its key holds Authorization when
  // auth is jwt), and the browser keeps its own copy for the same few seconds.
  return respond(
    200,
    { user, cachedForSeconds: cfg.ttl, generatedAt: new Date().toISOString() },
    `max-age=${cfg.ttl}`,
  );
}

export function validateNote(input) {
  const errors = [];
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    return { errors: ['body must be a JSON object'] };
  }
  for (const key of Object.keys(input)) {
    if (!NOTE_FIELDS.has(key)) errors.push(`unknown field: ${key}`);
  }
  let text = '';
  if (typeof input.text !== 'string') {
    errors.push('text is required and must be a string');
  } else {
    text = input.text.trim();
    if (text.length === 0) errors.push('text must not be empty');
    if (text.length > MAX_TEXT_LENGTH) errors.push(`text must be at most ${MAX_TEXT_LENGTH} characters`);
  }
  let tags = [];
  if (input.tags !== undefined) {
    if (!Array.isArray(input.tags)) {
      errors.push('tags must be an array of strings');
    } else {
      if (input.tags.length > MAX_TAGS) errors.push(`at most ${MAX_TAGS} tags`);
      for (const tag of input.tags) {
        if (typeof tag !== 'string' || !TAG_PATTERN.test(tag)) {
          errors.push('each tag must be 1-32 characters of a-z, 0-9 and -, starting with a letter or digit');
          break;
        }
      }
      tags = [...new Set(input.tags)];
    }
  }
  return errors.length ? { errors } : { note: { text, tags } };
}

function createNote(event, cfg) {
  const user = identity(event, cfg);
  if (!user) return error(401, 'Unauthorized');
  const contentType = (event.headers?.['content-type'] ?? '').toLowerCase();
  if (!contentType.startsWith('application/json')) {
    return error(415, 'Content-Type must be application/json');
  }
  const raw = event.isBase64Encoded
    ? Buffer.from(event.body ?? '', 'base64')
    : Buffer.from(event.body ?? '', 'utf8');
  if (raw.length > MAX_BODY_BYTES) return error(413, `Body must be at most ${MAX_BODY_BYTES} bytes`);
  let input;
  try {
    input = JSON.parse(raw.toString('utf8'));
  } catch {
    return error(400, 'Body must be valid JSON');
  }
  const { note, errors } = validateNote(input);
  if (errors) return error(400, 'Invalid note', { errors });
  const created = { id: randomUUID(), owner: user.sub, ...note, createdAt: new Date().toISOString() };
  return respond(201, { note: created }, NO_STORE);
}

const ROUTES = {
  '/api/me': { GET: getMe, HEAD: getMe },
  '/api/write/notes': { POST: createNote },
};

export async function handler(event, context = {}) {
  const started = Date.now();
  const cfg = config();
  const method = event.requestContext?.http?.method ?? 'GET';
  const path = event.rawPath ?? '/';
  const requestId = context.awsRequestId ?? event.requestContext?.requestId;
  let response;
  try {
    if (!originVerified(event.headers, cfg.secret)) {
      log('WARN', 'origin verification failed', { requestId, method, path });
      response = error(403, 'Forbidden');
    } else {
      const route = ROUTES[path];
      const action = route ? route[method] : undefined;
      if (!route) response = error(404, 'Not found');
      else if (!action) response = respond(405, { message: 'Method not allowed' }, NO_STORE, { allow: Object.keys(route).join(', ') });
      else response = action(event, cfg);
    }
  } catch (err) {
    log('ERROR', 'unhandled error', { requestId, method, path, error: String(err?.message ?? err) });
    response = error(500, 'Internal error');
  }
  log('INFO', 'request', {
    requestId, method, path, status: response.statusCode, durationMs: Date.now() - started,
  });
  return response;
}
