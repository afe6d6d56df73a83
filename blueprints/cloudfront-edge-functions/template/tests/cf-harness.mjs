// Runs a CloudFront Function (cloudfront-js-2.0) under node:vm, the way the edge runtime
// would: the source is a plain script with a top-level `handler`, and the only module it may
// import is 'cloudfront', which is replaced here by an injected `cf` stub.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

export const CLOUDFRONT_IMPORT = /^import cf from 'cloudfront';[ \t]*$/m;

// A KeyValueStore handle backed by a plain object. Like the real store, get() rejects when
// the key is missing; format 'json' parses the stored value.
export function kvsStub(entries = {}) {
  const store = new Map(Object.entries(entries));
  return {
    async get(key, options) {
      if (!store.has(key)) {
        throw new Error(`KeyValueStore: key ${JSON.stringify(key)} not found`);
      }
      const value = store.get(key);
      return options && options.format === 'json' ? JSON.parse(value) : value;
    },
    async exists(key) {
      return store.has(key);
    },
    async meta() {
      return {
        creationDateTime: '2026-01-01T00:00:00Z',
        lastUpdatedDateTime: '2026-01-01T00:00:00Z',
        keyCount: store.size,
      };
    },
  };
}

// Loads the function file. `kvs` holds the store's key/value pairs for this load.
// Returns { source, usesKvs, kvsCalls, handler(event) -> Promise<plain result> }.
export function loadFunction(file, { kvs = {} } = {}) {
  const path = file instanceof URL ? fileURLToPath(file) : file;
  const source = readFileSync(path, 'utf8');
  const kvsCalls = [];
  const cf = {
    kvs(...args) {
      kvsCalls.push(args);
      return kvsStub(kvs);
    },
  };
  const context = vm.createContext({ cf, console });
  // An import other than the 'cloudfront' one stays in the script and fails to compile,
  // as it would when the runtime publishes the function.
  new vm.Script(source.replace(CLOUDFRONT_IMPORT, ''), { filename: path }).runInContext(context);
  if (typeof context.handler !== 'function') {
    throw new Error(`${path}: no top-level function named handler`);
  }
  return {
    source,
    usesKvs: CLOUDFRONT_IMPORT.test(source),
    kvsCalls,
    // Results are copied out of the vm realm so node:assert compares them as plain data.
    async handler(event) {
      const result = await context.handler(structuredClone(event));
      return JSON.parse(JSON.stringify(result));
    },
  };
}

// The code under the first `FunctionCode: |` key of a CloudFormation template, de-indented.
export function inlineFunctionCode(templateText) {
  const lines = templateText.split('\n');
  const start = lines.findIndex((line) => /^\s*FunctionCode: \|\s*$/.test(line));
  if (start === -1) throw new Error('template has no `FunctionCode: |` block');
  const keyIndent = lines[start].search(/\S/);
  const body = [];
  for (const line of lines.slice(start + 1)) {
    if (line.trim() !== '' && line.search(/\S/) <= keyIndent) break;
    body.push(line);
  }
  const indent = Math.min(...body.filter((line) => line.trim() !== '').map((line) => line.search(/\S/)));
  return normalize(body.map((line) => line.slice(indent)).join('\n'));
}

// Trailing spaces and trailing blank lines are not significant in a YAML block scalar.
export function normalize(code) {
  return code.split('\n').map((line) => line.trimEnd()).join('\n').trimEnd();
}
