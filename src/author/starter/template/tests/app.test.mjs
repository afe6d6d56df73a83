import assert from 'node:assert/strict';
import { test } from 'node:test';
import { handler } from '../src/app.mjs';

const event = (method, rawPath = '/') => ({ rawPath, requestContext: { http: { method } } });

test('GET answers 200 with JSON that is never cached', async () => {
  const res = await handler(event('GET', '/hello'));
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers['content-type'], 'application/json');
  assert.equal(res.headers['cache-control'], 'no-store');
  assert.deepEqual(JSON.parse(res.body), { message: 'hello', path: '/hello' });
});

test('other methods answer 405 with Allow', async () => {
  const res = await handler(event('POST'));
  assert.equal(res.statusCode, 405);
  assert.equal(res.headers.allow, 'GET, HEAD');
});
