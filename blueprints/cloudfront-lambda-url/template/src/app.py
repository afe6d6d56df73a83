"""API handler behind CloudFront: Lambda Function URL (AuthType AWS_IAM) payload format 2.0.

CloudFront signs every origin request with SigV4 through its origin access control, so the
Authorization header carries CloudFront's signature, not the user's token. Users send their
token in the header named by USER_ID_HEADER_NAME instead.

Routes:
  GET  /api/me     the caller's identity from the token (cached briefly per token at the edge)
  POST /api/notes  validates {"text": "..."} and returns the note it would store
"""

import base64
import binascii
import json
import logging
import os
import time
import uuid

import tokens

logger = logging.getLogger()
logger.setLevel(logging.INFO)

MAX_NOTE_LENGTH = 1000
ROUTES = {"/api/me": "GET", "/api/notes": "POST"}


def _config():
    return {
        "token_header": os.environ.get("USER_ID_HEADER_NAME", "X-User-Token").lower(),
        "cache_ttl": max(0, int(os.environ.get("CACHE_TTL_SECONDS", "5"))),
        "signing_key": os.environ.get("TOKEN_SIGNING_KEY", ""),
    }


def _response(status, payload, cache_control="no-store", extra_headers=None):
    headers = {"content-type": "application/json", "cache-control": cache_control}
    headers.update(extra_headers or {})
    return {"statusCode": status, "headers": headers, "body": json.dumps(payload, separators=(",", ":"))}


def _user_token(headers, header_name):
    value = (headers.get(header_name) or "").strip()
    if value[:7].lower() == "bearer ":
        value = value[7:].strip()
    return value


def _read_json_body(event):
    body = event.get("body") or ""
    if event.get("isBase64Encoded"):
        body = base64.b64decode(body, validate=True).decode("utf-8")
    return json.loads(body)


def route(event, config):
    method = event.get("requestContext", {}).get("http", {}).get("method", "GET").upper()
    path = event.get("rawPath") or "/"
    headers = {k.lower(): v for k, v in (event.get("headers") or {}).items()}

    allowed = ROUTES.get(path)
    if allowed is None:
        return _response(404, {"message": "not found"}), None
    if method != allowed:
        return _response(405, {"message": "method not allowed"}, extra_headers={"allow": allowed}), None

    token = _user_token(headers, config["token_header"])
    if not token:
        return _response(401, {"message": f"missing user token in {config['token_header']}"}), None
    try:
        claims = tokens.verify(token, config["signing_key"])
    except tokens.TokenError as exc:
        logger.info("token rejected", extra={"reason": str(exc)})
        return _response(401, {"message": "invalid user token"}), None

    sub = claims["sub"]
    if path == "/api/me":
        # Private per-user data: CloudFront keys its cache on the token header, so a reload storm
        # within the TTL is answered at the edge. Vary tells other caches the same.
        ttl = config["cache_ttl"]
        cache_control = f"max-age={ttl}" if ttl > 0 else "no-store"
        me = {"sub": sub, "name": claims.get("name"), "expiresAt": claims.get("exp")}
        return _response(200, me, cache_control, {"vary": config["token_header"]}), sub

    try:
        note = _read_json_body(event)
    except (ValueError, binascii.Error):  # bad base64, UTF-8 or JSON
        return _response(400, {"message": "body must be JSON"}), sub
    text = note.get("text") if isinstance(note, dict) else None
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_NOTE_LENGTH:
        return _response(400, {"message": f"text must be a non-empty string of at most {MAX_NOTE_LENGTH} characters"}), sub
    created = {
        "id": uuid.uuid4().hex,
        "owner": sub,
        "text": text.strip(),
        "createdAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    return _response(201, created), sub


def handler(event, context):
    config = _config()
    if len(config["signing_key"]) < tokens.MIN_KEY_LENGTH:
        logger.error("TOKEN_SIGNING_KEY is missing or shorter than %d characters", tokens.MIN_KEY_LENGTH)
        return _response(500, {"message": "server misconfigured"})
    response, sub = route(event, config)
    logger.info(
        "request",
        extra={
            "method": event.get("requestContext", {}).get("http", {}).get("method"),
            "path": event.get("rawPath"),
            "status": response["statusCode"],
            "sub": sub,
        },
    )
    return response
