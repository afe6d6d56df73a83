// The function behind CloudFront: Lambda Function URL payload format 2.0.
//
// CloudFront signs every origin request with SigV4 through its origin access control, so
// requests that reach this handler came through the distribution.
export const handler = async (event) => {
  const method = (event.requestContext?.http?.method ?? 'GET').toUpperCase();
  if (method !== 'GET' && method !== 'HEAD') {
    return response(405, { message: 'method not allowed' }, { allow: 'GET, HEAD' });
  }
  return response(200, { message: 'hello', path: event.rawPath || '/' });
};

function response(statusCode, payload, headers = {}) {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(payload),
  };
}
