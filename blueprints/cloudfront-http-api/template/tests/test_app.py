import base64
import json
from pathlib import Path
from types import SimpleNamespace

import pytest

import app

SECRET = "local-test-secret-change-me-0123456789"  # same value as in events/*.json
EVENTS = Path(__file__).resolve().parent.parent / "events"


def load_event(name):
    return json.loads((EVENTS / name).read_text(encoding="utf-8"))


def body(response):
    return json.loads(response["body"])


@pytest.fixture(autouse=True)
def environment(monkeypatch):
    monkeypatch.setenv("ORIGIN_VERIFY_SECRET", SECRET)
    monkeypatch.setenv("CACHE_TTL_SECONDS", "5")
    monkeypatch.setenv("AUTH_MODE", "jwt")


@pytest.fixture
def log_lines(monkeypatch):
    lines = []
    monkeypatch.setattr(app, "write_line", lines.append)
    return lines


def test_rejects_requests_without_the_cloudfront_header(log_lines):
    event = load_event("get-me.json")
    del event["headers"]["x-origin-verify"]
    response = app.handler(event)
    assert response["statusCode"] == 403
    assert response["headers"]["cache-control"] == "no-store"
    assert json.loads(log_lines[0])["message"] == "origin verification failed"


def test_rejects_a_wrong_value_and_fails_closed_without_a_secret(log_lines):
    event = load_event("get-me.json")
    event["headers"]["x-origin-verify"] = SECRET + "x"
    assert app.handler(event)["statusCode"] == 403
    assert app.origin_verified({"x-origin-verify": ""}, "") is False
    assert app.origin_verified({"x-origin-verify": SECRET}, SECRET) is True


def test_get_me_returns_the_jwt_subject_with_a_short_max_age(log_lines):
    response = app.handler(load_event("get-me.json"), SimpleNamespace(aws_request_id="req-1"))
    assert response["statusCode"] == 200
    assert response["headers"]["cache-control"] == "max-age=5"
    assert body(response)["user"]["sub"] == "user-42"
    assert body(response)["cachedForSeconds"] == 5
    line = json.loads(log_lines[-1])
    assert (line["level"], line["message"], line["requestId"], line["status"]) == ("INFO", "request", "req-1", 200)


def test_get_me_answers_401_with_no_store_without_claims(log_lines):
    event = load_event("get-me.json")
    del event["requestContext"]["authorizer"]
    response = app.handler(event)
    assert response["statusCode"] == 401
    assert response["headers"]["cache-control"] == "no-store"


def test_auth_none_never_personalises_the_response(monkeypatch, log_lines):
    # Authorization is not in the CloudFront cache key then: a per-user answer would leak.
    monkeypatch.setenv("AUTH_MODE", "none")
    response = app.handler(load_event("get-me.json"))
    assert response["statusCode"] == 200
    assert body(response)["user"] == {"sub": "anonymous"}


def test_post_note_from_the_sample_event_is_created_and_never_cached(log_lines):
    response = app.handler(load_event("post-note.json"))
    assert response["statusCode"] == 201
    assert response["headers"]["cache-control"] == "no-store"
    note = body(response)["note"]
    assert note["owner"] == "user-42"
    assert note["text"] == "Cache per user, a few seconds at a time"
    assert note["tags"] == ["cloudfront", "api"]
    assert len(note["id"]) == 36


def test_post_note_accepts_a_base64_body(log_lines):
    event = load_event("post-note.json")
    event["body"] = base64.b64encode(event["body"].encode("utf-8")).decode("ascii")
    event["isBase64Encoded"] = True
    assert app.handler(event)["statusCode"] == 201


@pytest.mark.parametrize(
    ("raw", "status", "message"),
    [
        ('{"text": ', 400, "Body must be valid JSON"),
        ("[]", 400, "Invalid note"),
        ('{"text": "   "}', 400, "Invalid note"),
        ('{"text": "ok", "owner": "someone-else"}', 400, "Invalid note"),
        ('{"text": "ok", "tags": ["Not Valid"]}', 400, "Invalid note"),
        (json.dumps({"text": "x" * 9000}), 413, "Body must be at most 8192 bytes"),
    ],
)
def test_post_note_rejects_invalid_bodies(raw, status, message, log_lines):
    event = load_event("post-note.json")
    event["body"] = raw
    response = app.handler(event)
    assert response["statusCode"] == status
    assert body(response)["message"] == message


def test_post_note_requires_json_content_type(log_lines):
    event = load_event("post-note.json")
    event["headers"]["content-type"] = "text/plain"
    assert app.handler(event)["statusCode"] == 415


def test_unknown_paths_and_wrong_methods(log_lines):
    unknown = load_event("get-me.json")
    unknown["rawPath"] = "/api/unknown"
    assert app.handler(unknown)["statusCode"] == 404
    wrong_method = load_event("get-me.json")
    wrong_method["requestContext"]["http"]["method"] = "DELETE"
    response = app.handler(wrong_method)
    assert response["statusCode"] == 405
    assert response["headers"]["allow"] == "GET, HEAD"
