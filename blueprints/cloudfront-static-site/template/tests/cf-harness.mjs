// Runs a CloudFront Function source file under node:vm, the way the edge runs it: a plain
// script (no modules, no require) whose top-level `handler(event)` is called once per request.
import { readFileSync } from 'node:fs';
import vm from 'node:vm';

export function loadFunction(path) {
  const source = readFileSync(path, 'utf8');
  const context = vm.createContext({ console });
  vm.runInContext(source, context, { filename: path });
  if (typeof context.handler !== 'function') {
    throw new Error(`${path} defines no top-level function handler(event)`);
  }
  return context.handler;
}

// A viewer-request event as CloudFront Functions receive it (event structure version 1.0).
export function viewerRequest(uri, extra = {}) {
  return {
    version: '1.0',
    context: { eventType: 'viewer-request', distributionId: 'EDFDVBD6EXAMPLE', requestId: 'test' },
    viewer: { ip: '198.51.100.11' },
    request: {
      method: 'GET',
      uri,
      querystring: {},
      headers: { host: { value: 'd111111abcdef8.cloudfront.net' } },
      cookies: {},
      ...extra,
    },
  };
}

// The block scalar that follows `FunctionCode: |` in template.yaml, without its indentation.
// Enough YAML for this one literal block: no YAML library needed.
export function inlineFunctionCode(templateText) {
  const lines = templateText.split('\n');
  const start = lines.findIndex((line) => /^\s*FunctionCode:\s*\|\s*$/.test(line));
  if (start === -1) throw new Error('no `FunctionCode: |` block in template.yaml');
  const keyIndent = lines[start].search(/\S/);
  const block = [];
  for (const line of lines.slice(start + 1)) {
    if (line.trim() !== '' && line.search(/\S/) <= keyIndent) break;
    block.push(line);
  }
  while (block.length > 0 && block[block.length - 1].trim() === '') block.pop();
  const first = block.find((line) => line.trim() !== '');
  const indent = first === undefined ? 0 : first.search(/\S/);
  // Clip chomping (`|`): the value ends with exactly one newline.
  return block.map((line) => (line.trim() === '' ? '' : line.slice(indent))).join('\n') + '\n';
}
