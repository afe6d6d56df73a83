import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const read = (path) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');

test('site/index.html is the root object of the distribution', () => {
  assert.match(read('template.yaml'), /^\s+DefaultRootObject: index\.html$/m);
  assert.match(read('site/index.html'), /<title>[^<]+<\/title>/);
});

test('site/404.html is the error page that template.yaml points to', () => {
  assert.match(read('template.yaml'), /ResponsePagePath: \/404\.html/);
  assert.match(read('site/404.html'), /<title>[^<]+<\/title>/);
});

test('the pages load no inline script, which the default Content-Security-Policy would block', () => {
  for (const page of ['site/index.html', 'site/404.html']) {
    assert.doesNotMatch(read(page), /<script(?![^>]*\bsrc=)[^>]*>/i, page);
  }
});

test('make publish uploads assets as immutable for a year and HTML as no-cache', () => {
  const makefile = read('Makefile');
  assert.match(makefile, /--cache-control "public, max-age=31536000, immutable"/);
  assert.match(makefile, /--cache-control "no-cache"/);
});
