#!/usr/bin/env node
// Writes redirects into the stack's CloudFront KeyValueStore with the AWS CLI v2. The store's
// data plane signs requests with SigV4A, which CLI v2 supports out of the box (boto3 needs
// botocore[crt], the JS SDK v3 @aws-sdk/signature-v4-crt). Every write needs the store's
// current ETag; each put returns the next one.
//
//   node scripts/kvs-put.mjs --stack NAME --region REGION              load kvs/seed.json
//   node scripts/kvs-put.mjs --stack NAME --region REGION KEY VALUE    put one pair
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(name);
  if (i === -1 || i + 1 >= args.length) throw new Error(`missing ${name}`);
  return args.splice(i, 2)[1];
};
const stack = option('--stack');
const region = option('--region');

function aws(...cli) {
  const out = execFileSync('aws', [...cli, '--output', 'json'], { encoding: 'utf8' });
  return out.trim() ? JSON.parse(out) : {};
}

const outputs = aws('cloudformation', 'describe-stacks', '--region', region, '--stack-name', stack)
  .Stacks[0].Outputs;
const kvsArn = (outputs.find((o) => o.OutputKey === 'KeyValueStoreArn') || {}).OutputValue;
if (!kvsArn) throw new Error(`stack ${stack} has no KeyValueStoreArn output`);

let pairs;
if (args.length === 2) {
  pairs = [{ key: args[0], value: args[1] }];
} else if (args.length === 0) {
  pairs = JSON.parse(readFileSync(new URL('../kvs/seed.json', import.meta.url), 'utf8')).data;
} else {
  throw new Error('usage: kvs-put.mjs --stack NAME --region REGION [KEY VALUE]');
}

let etag = aws('cloudfront-keyvaluestore', 'describe-key-value-store', '--kvs-arn', kvsArn).ETag;
for (const { key, value } of pairs) {
  etag = aws('cloudfront-keyvaluestore', 'put-key', '--kvs-arn', kvsArn, '--if-match', etag,
    '--key', key, '--value', value).ETag;
  console.log(`${key} -> ${value}`);
}
console.log(`${pairs.length} key(s) written to ${kvsArn}; edge locations pick them up within seconds`);
