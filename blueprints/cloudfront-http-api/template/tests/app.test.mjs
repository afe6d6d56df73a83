import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

import { handler, originVerified, setLogWriter } from '../src/app.mjs';

const SECRET = 'local-test-secret-change-me-0123456789'; // same value as in events/*.json
const loadEvent = (name) =>
  JSON.parse(readFileSync(new URL(`../events/${name}`, import.meta.url), 'utf8'));
const body = (response) => JSON.parse(response.body);

let logLines = [];
let restoreWriter;
// Capture the JSON log lines instead of printing them between test results.
before(() => { restoreWriter = setLogWriter((line) => logLines.push(line)); });
after(() => setLogWriter(restoreWriter));
beforeEach(() => {
  logLines = [];
  process.env.ORIGIN_VERIFY_SECRET = SECRET;
  process.env.CACHE_TTL_SECONDS = '5';
  process.env.AUTH_MODE = 'jwt';
});

describe('origin verification', () => {
  it('rejects a request without the CloudFront header', async () => {
    const event = loadEvent('get-me.json');
    delete event.headers['x-origin-verify'];
    const response = await handler(event);
    assert.equal(response.statusCode, 403);
    assert.equal(response.headers['cache-control'], 'no-store');
  });

  it('rejects a wrong value and fails closed without a configured secret', async () => {
    const event = loadEvent('get-me.json');
    event.headers['x-origin-verify'] = `${SECRET}x`;
    assert.equal((await handler(event)).statusCode, 403);
    assert.equal(originVerified({ 'x-origin-verify': '' }, ''), false);
    assert.equal(originVerified({ 'x-origin-verify': SECRET }, SECRET), true);
  });
});

describe('GET /api/me', () => {
  it('returns the JWT subject with a short max-age', async () => {
    const response = await handler(loadEvent('get-me.json'), { awsRequestId: 'req-1' });
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['cache-control'], 'max-age=5');
    assert.equal(body(response).user.sub, 'user-42');
    assert.equal(body(response).cachedForSeconds, 5);
    const line = JSON.parse(logLines.at(-1));
    assert.deepEqual(
      [line.level, line.message, line.requestId, line.status, line.path],
      ['INFO', 'request', 'req-1', 200, '/api/me'],
    );
  });

  it('answers 401 with no-store when the authorizer passed no claims', async () => {
    const event = loadEvent('get-me.json');
    delete event.requestContext.authorizer;
    const response = await handler(event);
    assert.equal(response.statusCode, 401);
    assert.equal(response.headers['cache-control'], 'no-store');
  });

  it('never personalises the response when auth is none (Authorization is not in the cache key)', async () => {
    process.env.AUTH_MODE = 'none';
    const response = await handler(loadEvent('get-me.json'));
    assert.equal(response.statusCode, 200);
    assert.deepEqual(body(response).user, { sub: 'anonymous' });
  });
});

describe('POST /api/write/notes', () => {
  it('creates a note from the sample event and never caches it', async () => {
    const response = await handler(loadEvent('post-note.json'));
    assert.equal(response.statusCode, 201);
    assert.equal(response.headers['cache-control'], 'no-store');
    const { note } = body(response);
    assert.equal(note.owner, 'user-42');
    assert.equal(note.text, 'Cache per user, a few seconds at a time');
    assert.deepEqual(note.tags, ['cloudfront', 'api']);
    assert.match(note.id, /^[0-9a-f-]{36}$/);
  });

  it('accepts a base64-encoded body', async () => {
    const event = loadEvent('post-note.json');
    event.body = Buffer.from(event.body, 'utf8').toString('base64');
    event.isBase64Encoded = true;
    assert.equal((await handler(event)).statusCode, 201);
  });

  it('rejects invalid JSON, invalid fields and the wrong content type', async () => {
    const cases = [
      ['{"text": ', 400, 'Body must be valid JSON'],
      ['[]', 400, 'Invalid note'],
      ['{"text": "   "}', 400, 'Invalid note'],
      ['{"text": "ok", "owner": "someone-else"}', 400, 'Invalid note'],
      ['{"text": "ok", "tags": ["Not Valid"]}', 400, 'Invalid note'],
      [JSON.stringify({ text: 'x'.repeat(9000) }), 413, 'Body must be at most 8192 bytes'],
    ];
    for (const [raw, status, message] of cases) {
      const event = loadEvent('post-note.json');
      event.body = raw;
      const response = await handler(event);
      assert.equal(response.statusCode, status, raw.slice(0, 40));
      assert.equal(body(response).message, message);
    }
    const event = loadEvent('post-note.json');
    event.headers['content-type'] = 'text/plain';
    assert.equal((await handler(event)).statusCode, 415);
  });
});

describe('routing', () => {
  it('answers 404 for unknown paths and 405 with Allow for wrong methods', async () => {
    const unknown = loadEvent('get-me.json');
    unknown.rawPath = '/api/unknown';
    assert.equal((await handler(unknown)).statusCode, 404);

    const wrongMethod = loadEvent('get-me.json');
    wrongMethod.requestContext.http.method = 'DELETE';
    const response = await handler(wrongMethod);
    assert.equal(response.statusCode, 405);
    assert.equal(response.headers.allow, 'GET, HEAD');
  });
});
