import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TokenError, verify } from '../src/tokens.mjs';
import { SIGNING_KEY, makeToken } from './helpers.mjs';

const now = () => Math.floor(Date.now() / 1000);

test('a signed token round-trips to its claims', () => {
  assert.equal(verify(makeToken(), SIGNING_KEY).sub, 'user-123');
});

test('bad tokens are rejected with a reason', () => {
  const cases = [
    [makeToken({}, 'another-key-0123456789abcdef0123456789'), 'bad token signature'],
    [makeToken({ exp: now() - 3600 }), 'token expired'],
    [makeToken({ nbf: now() + 3600 }), 'token not valid yet'],
    [makeToken({ exp: undefined }), 'token has no exp claim'],
    [makeToken({ sub: '' }), 'token has no sub claim'],
    ['not-a-token', 'malformed token'],
    ['a.b', 'malformed token'],
    ['a+b.c.d', 'malformed token'],
  ];
  for (const [token, reason] of cases) {
    assert.throws(() => verify(token, SIGNING_KEY), (err) => err instanceof TokenError && err.message === reason, reason);
  }
});

test('alg none is refused before the signature is looked at', () => {
  const [, payload] = makeToken().split('.');
  const none = Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url');
  assert.throws(() => verify(`${none}.${payload}.`, SIGNING_KEY), /unsupported token algorithm/);
});

test('short signing keys are refused', () => {
  assert.throws(() => verify(makeToken(), 'short'), RangeError);
});
