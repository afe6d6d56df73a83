"""HTTP API handler behind CloudFront (payload format 2.0), standard library only.

Routes:
  GET  /api/me           the caller's identity, cacheable for CACHE_TTL_SECONDS
  POST /api/write/notes  validates a JSON note and returns it (never cached)

Every request must carry the X-Origin-Verify header that CloudFront adds; requests sent
straight to the execute-api endpoint lack it and get 403.

Environment:
  ORIGIN_VERIFY_SECRET  value CloudFront sends in X-Origin-Verify (empty: reject everything)
  CACHE_TTL_SECONDS     max-age sent on GET /api/me (default 5)
  AUTH_MODE             "jwt": identity from the HTTP API JWT authorizer; "none": anonymous
"""

import base64
import binascii
import hashlib
import hmac
import json
import os
import re
import sys
import time
import uuid
from datetime import datetime, timezone

MAX_BODY_BYTES = 8 * 1024  # the WAF common rule set blocks larger bodies anyway
MAX_TEXT_LENGTH = 2000
MAX_TAGS = 10
TAG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,31}$")
NOTE_FIELDS = {"text", "tags"}
NO_STORE = "no-store"


def config(env=None):
    env = os.environ if env is None else env
    try:
        ttl = int(env.get("CACHE_TTL_SECONDS", "5"))
    except ValueError:
        ttl = 5
    return {
        "secret": env.get("ORIGIN_VERIFY_SECRET", ""),
        "ttl": ttl if ttl >= 0 else 5,
        "auth_mode": "none" if env.get("AUTH_MODE") == "none" else "jwt",
    }


def origin_verified(headers, secret):
    """Constant-time comparison of X-Origin-Verify with the secret.

    Both sides are hashed first so the comparison always sees equal lengths and the
    secret's length does not leak.
    """
    if not secret:
        return False
    received = (headers or {}).get("x-origin-verify")
    if not isinstance(received, str) or not received:
        return False
    a = hashlib.sha256(received.encode("utf-8")).digest()
    b = hashlib.sha256(secret.encode("utf-8")).digest()
    return hmac.compare_digest(a, b)


def _now():
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _write_stdout(text):
    sys.stdout.write(text)
    sys.stdout.flush()


# One JSON object per line on stdout. Lambda passes stdout lines through unchanged, so these
# stay valid JSON in CloudWatch whatever the function's log format is. Tests replace it.
write_line = _write_stdout


def log(level, message, **fields):
    line = {"timestamp": _now(), "level": level, "message": message, **fields}
    write_line(json.dumps(line, separators=(",", ":")) + "\n")


def respond(status, body, cache_control, extra_headers=None):
    headers = {"content-type": "application/json; charset=utf-8", "cache-control": cache_control}
    headers.update(extra_headers or {})
    return {"statusCode": status, "headers": headers, "body": json.dumps(body)}


def error(status, message, **extra):
    return respond(status, {"message": message, **extra}, NO_STORE)


def identity(event, cfg):
    if cfg["auth_mode"] == "none":
        return {"sub": "anonymous"}
    claims = (((event.get("requestContext") or {}).get("authorizer") or {}).get("jwt") or {}).get("claims")
    if not isinstance(claims, dict) or not isinstance(claims.get("sub"), str) or not claims["sub"]:
        return None
    user = {"sub": claims["sub"]}
    for name in ("email", "scope", "iss"):
        if isinstance(claims.get(name), str):
            user[name] = claims[name]
    return user


def get_me(event, cfg):
    user = identity(event, cfg)
    if user is None:
        return error(401, "Unauthorized")
    # max-age without "private": CloudFront may cache it (its key holds Authorization when
    # auth is jwt), and the browser keeps its own copy for the same few seconds.
    body = {"user": user, "cachedForSeconds": cfg["ttl"], "generatedAt": _now()}
    return respond(200, body, f"max-age={cfg['ttl']}")


def validate_note(data):
    """Returns (note, None) or (None, errors)."""
    if not isinstance(data, dict):
        return None, ["body must be a JSON object"]
    errors = [f"unknown field: {key}" for key in data if key not in NOTE_FIELDS]
    text = data.get("text")
    if not isinstance(text, str):
        errors.append("text is required and must be a string")
        text = ""
    else:
        text = text.strip()
        if not text:
            errors.append("text must not be empty")
        if len(text) > MAX_TEXT_LENGTH:
            errors.append(f"text must be at most {MAX_TEXT_LENGTH} characters")
    tags = data.get("tags", [])
    if not isinstance(tags, list):
        errors.append("tags must be an array of strings")
        tags = []
    else:
        if len(tags) > MAX_TAGS:
            errors.append(f"at most {MAX_TAGS} tags")
        if not all(isinstance(tag, str) and TAG_PATTERN.match(tag) for tag in tags):
            errors.append("each tag must be 1-32 characters of a-z, 0-9 and -, starting with a letter or digit")
        else:
            tags = list(dict.fromkeys(tags))
    if errors:
        return None, errors
    return {"text": text, "tags": tags}, None


def create_note(event, cfg):
    user = identity(event, cfg)
    if user is None:
        return error(401, "Unauthorized")
    content_type = ((event.get("headers") or {}).get("content-type") or "").lower()
    if not content_type.startswith("application/json"):
        return error(415, "Content-Type must be application/json")
    body = event.get("body") or ""
    try:
        raw = base64.b64decode(body, validate=True) if event.get("isBase64Encoded") else body.encode("utf-8")
    except (binascii.Error, ValueError):
        return error(400, "Body must be valid base64")
    if len(raw) > MAX_BODY_BYTES:
        return error(413, f"Body must be at most {MAX_BODY_BYTES} bytes")
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return error(400, "Body must be valid JSON")
    note, errors = validate_note(data)
    if errors:
        return error(400, "Invalid note", errors=errors)
    created = {"id": str(uuid.uuid4()), "owner": user["sub"], **note, "createdAt": _now()}
    return respond(201, {"note": created}, NO_STORE)


ROUTES = {
    "/api/me": {"GET": get_me, "HEAD": get_me},
    "/api/write/notes": {"POST": create_note},
}


def handler(event, context=None):
    started = time.monotonic()
    cfg = config()
    method = ((event.get("requestContext") or {}).get("http") or {}).get("method", "GET")
    path = event.get("rawPath") or "/"
    request_id = getattr(context, "aws_request_id", None) or (event.get("requestContext") or {}).get("requestId")
    try:
        if not origin_verified(event.get("headers"), cfg["secret"]):
            log("WARN", "origin verification failed", requestId=request_id, method=method, path=path)
            response = error(403, "Forbidden")
        else:
            route = ROUTES.get(path)
            action = route.get(method) if route else None
            if route is None:
                response = error(404, "Not found")
            elif action is None:
                response = respond(405, {"message": "Method not allowed"}, NO_STORE, {"allow": ", ".join(route)})
            else:
                response = action(event, cfg)
    except Exception as exc:  # last resort: log it and answer 500 without details
        log("ERROR", "unhandled error", requestId=request_id, method=method, path=path, error=str(exc))
        response = error(500, "Internal error")
    log(
        "INFO",
        "request",
        requestId=request_id,
        method=method,
        path=path,
        status=response["statusCode"],
        durationMs=round((time.monotonic() - started) * 1000, 1),
    )
    return response
