// HS256 user tokens (compact JWS / JWT) with node:crypto only.
//
// The API verifies tokens itself so that the sample has no dependencies. In production, prefer
// your identity provider's library (RS256/ES256 with a JWKS endpoint) or a token check at the edge.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const LEEWAY_SECONDS = 30;
export const MIN_KEY_LENGTH = 32;

export class TokenError extends Error {}

const B64URL = /^[A-Za-z0-9_-]+$/;

function decodePart(part) {
  if (!B64URL.test(part)) throw new TokenError('malformed token');
  return Buffer.from(part, 'base64url');
}

function parseJson(buffer) {
  try {
    return JSON.parse(buffer.toString('utf8'));
  } catch {
    throw new TokenError('malformed token');
  }
}

const signature = (signingInput, key) => createHmac('sha256', key).update(signingInput).digest();
const encodeJson = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
const isNumber = (value) => typeof value === 'number' && Number.isFinite(value);

/** Returns an HS256 token for `claims` (used by the tests and `make token`). */
export function sign(claims, key) {
  const input = `${encodeJson({ alg: 'HS256', typ: 'JWT' })}.${encodeJson(claims)}`;
  return `${input}.${signature(input, key).toString('base64url')}`;
}

/** Returns the claims of a valid token, or throws TokenError saying why it is not valid. */
export function verify(token, key, now = Date.now() / 1000) {
  if (typeof key !== 'string' || key.length < MIN_KEY_LENGTH) {
    throw new RangeError(`the signing key must be at least ${MIN_KEY_LENGTH} characters`);
  }
  const parts = String(token).split('.');
  if (parts.length !== 3) throw new TokenError('malformed token');
  const [headerB64, payloadB64, signatureB64] = parts;
  const header = parseJson(decodePart(headerB64));
  // Check the algorithm first: "none" and algorithm confusion are refused here.
  if (header === null || typeof header !== 'object' || header.alg !== 'HS256') {
    throw new TokenError('unsupported token algorithm');
  }
  const given = decodePart(signatureB64);
  const expected = signature(`${headerB64}.${payloadB64}`, key);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new TokenError('bad token signature');
  }
  const claims = parseJson(decodePart(payloadB64));
  if (claims === null || typeof claims !== 'object' || Array.isArray(claims)) {
    throw new TokenError('malformed token');
  }
  if (!isNumber(claims.exp)) throw new TokenError('token has no exp claim');
  if (now > claims.exp + LEEWAY_SECONDS) throw new TokenError('token expired');
  if (claims.nbf !== undefined && (!isNumber(claims.nbf) || now + LEEWAY_SECONDS < claims.nbf)) {
    throw new TokenError('token not valid yet');
  }
  if (typeof claims.sub !== 'string' || claims.sub === '') throw new TokenError('token has no sub claim');
  return claims;
}
