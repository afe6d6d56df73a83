import time

import pytest

import tokens
from conftest import SIGNING_KEY, make_token


def test_round_trip_returns_claims():
    claims = tokens.verify(make_token(), SIGNING_KEY)
    assert claims["sub"] == "user-123"


@pytest.mark.parametrize(
    "token, reason",
    [
        (make_token(key="another-key-0123456789abcdef0123456789"), "bad token signature"),
        (make_token(exp=int(time.time()) - 3600), "token expired"),
        (make_token(nbf=int(time.time()) + 3600), "token not valid yet"),
        (make_token(exp=None), "token has no exp claim"),
        (make_token(sub=""), "token has no sub claim"),
        ("not-a-token", "malformed token"),
        ("a.b", "malformed token"),
        ("a.b.c", "malformed token"),
        ("ąę.b.c", "malformed token"),
    ],
)
def test_rejects(token, reason):
    with pytest.raises(tokens.TokenError, match=reason):
        tokens.verify(token, SIGNING_KEY)


def test_rejects_alg_none_even_without_signature():
    header, payload, _ = make_token().split(".")
    none_header = tokens._b64url_encode(b'{"alg":"none","typ":"JWT"}')
    with pytest.raises(tokens.TokenError, match="unsupported token algorithm"):
        tokens.verify(f"{none_header}.{payload}.", SIGNING_KEY)


def test_refuses_short_keys():
    with pytest.raises(ValueError):
        tokens.verify(make_token(), "short")
