"""HS256 user tokens (compact JWS / JWT) with the Python standard library only.

The API verifies tokens itself so that the sample has no dependencies. In production, prefer
your identity provider's library (RS256/ES256 with a JWKS endpoint) or a token check at the edge.
"""

import base64
import binascii
import hashlib
import hmac
import json
import time

LEEWAY_SECONDS = 30
MIN_KEY_LENGTH = 32


class TokenError(Exception):
    """The token is missing, malformed, badly signed, expired or lacks a subject."""


def _b64url_encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _b64url_decode(text: str) -> bytes:
    if not text or any(c in text for c in "+/="):
        raise TokenError("malformed token")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(signing_input: str, key: str) -> bytes:
    return hmac.new(key.encode("utf-8"), signing_input.encode("ascii"), hashlib.sha256).digest()


def sign(claims: dict, key: str) -> str:
    """Returns an HS256 token for `claims` (used by the tests and `make token`)."""
    header = _b64url_encode(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
    payload = _b64url_encode(json.dumps(claims, separators=(",", ":")).encode())
    return f"{header}.{payload}.{_b64url_encode(_signature(f'{header}.{payload}', key))}"


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def verify(token: str, key: str, now: float | None = None) -> dict:
    """Returns the claims of a valid token, or raises TokenError saying why it is not valid."""
    if len(key) < MIN_KEY_LENGTH:
        raise ValueError(f"the signing key must be at least {MIN_KEY_LENGTH} characters")
    parts = token.split(".")
    if len(parts) != 3:
        raise TokenError("malformed token")
    header_b64, payload_b64, signature_b64 = parts
    try:
        header = json.loads(_b64url_decode(header_b64))
    except (ValueError, binascii.Error) as exc:  # bad base64, JSON or non-ASCII input
        raise TokenError("malformed token") from exc
    # Check the algorithm first: "none" and algorithm confusion are refused here.
    if not isinstance(header, dict) or header.get("alg") != "HS256":
        raise TokenError("unsupported token algorithm")
    try:
        signature = _b64url_decode(signature_b64)
        expected = _signature(f"{header_b64}.{payload_b64}", key)
    except (ValueError, binascii.Error) as exc:
        raise TokenError("malformed token") from exc
    if not hmac.compare_digest(expected, signature):
        raise TokenError("bad token signature")
    try:
        claims = json.loads(_b64url_decode(payload_b64))
    except (ValueError, binascii.Error) as exc:
        raise TokenError("malformed token") from exc
    if not isinstance(claims, dict):
        raise TokenError("malformed token")
    now = time.time() if now is None else now
    exp = claims.get("exp")
    if not _is_number(exp):
        raise TokenError("token has no exp claim")
    if now > exp + LEEWAY_SECONDS:
        raise TokenError("token expired")
    nbf = claims.get("nbf")
    if nbf is not None and (not _is_number(nbf) or now + LEEWAY_SECONDS < nbf):
        raise TokenError("token not valid yet")
    sub = claims.get("sub")
    if not isinstance(sub, str) or not sub:
        raise TokenError("token has no sub claim")
    return claims
