import base64
import json
import re

import app
from conftest import LOCAL_DEV_KEY, ROOT, ID_HEADER, event, load_event, make_token


def call(ev):
    response = app.handler(ev, None)
    return response["statusCode"], response["headers"], json.loads(response["body"])


def test_get_me_returns_the_caller_and_is_cacheable_per_token():
    status, headers, body = call(event("GET", "/api/me", make_token()))
    assert status == 200
    assert body["sub"] == "user-123" and body["name"] == "Ada"
    assert headers["cache-control"] == "max-age=5"
    assert headers["vary"] == ID_HEADER.lower()


def test_bearer_prefix_is_accepted():
    status, _, _ = call(event("GET", "/api/me", "Bearer " + make_token()))
    assert status == 200


def test_missing_token_is_401_and_not_cached():
    status, headers, body = call(event("GET", "/api/me"))
    assert status == 401
    assert headers["cache-control"] == "no-store"
    assert ID_HEADER.lower() in body["message"]


def test_token_in_authorization_is_ignored():
    # With OAC, Authorization holds CloudFront's SigV4 signature by the time the function runs.
    status, _, _ = call(event("GET", "/api/me", headers={"authorization": "Bearer " + make_token()}))
    assert status == 401


def test_forged_token_is_401():
    forged = make_token(key="attacker-key-0123456789abcdef0123456789")
    status, _, body = call(event("GET", "/api/me", forged))
    assert status == 401 and body == {"message": "invalid user token"}


def test_zero_ttl_means_no_store(monkeypatch):
    monkeypatch.setenv("CACHE_TTL_SECONDS", "0")
    _, headers, _ = call(event("GET", "/api/me", make_token()))
    assert headers["cache-control"] == "no-store"


def test_post_note_creates_a_note_for_the_caller():
    status, headers, body = call(event("POST", "/api/notes", make_token(), json.dumps({"text": " Buy milk "})))
    assert status == 201
    assert body["owner"] == "user-123" and body["text"] == "Buy milk"
    assert re.fullmatch(r"[0-9a-f]{32}", body["id"])
    assert headers["cache-control"] == "no-store"


def test_post_note_accepts_base64_bodies():
    raw = base64.b64encode(json.dumps({"text": "from a binary client"}).encode()).decode()
    status, _, body = call(event("POST", "/api/notes", make_token(), raw, base64_body=True))
    assert status == 201 and body["text"] == "from a binary client"


def test_post_note_validates_the_body():
    for bad in ["not json", json.dumps({"text": ""}), json.dumps({"text": "x" * 1001}), json.dumps([1])]:
        status, _, _ = call(event("POST", "/api/notes", make_token(), bad))
        assert status == 400, bad


def test_unknown_route_and_wrong_method():
    assert call(event("GET", "/nope", make_token()))[0] == 404
    status, headers, _ = call(event("DELETE", "/api/notes", make_token()))
    assert status == 405 and headers["allow"] == "POST"


def test_missing_signing_key_is_a_500(monkeypatch):
    monkeypatch.setenv("TOKEN_SIGNING_KEY", "")
    assert call(event("GET", "/api/me", make_token()))[0] == 500


def test_sample_events_carry_a_placeholder_token_and_work_once_signed(monkeypatch):
    monkeypatch.setenv("TOKEN_SIGNING_KEY", LOCAL_DEV_KEY)
    header = ID_HEADER.lower()
    token = make_token(key=LOCAL_DEV_KEY, sub="local-user", name="Local User")
    for name, expected in [("get-me.json", 200), ("post-note.json", 201)]:
        sample = load_event(name)
        assert sample["headers"][header].endswith(".example-signature"), name
        assert call(sample)[0] == 401, name
        sample["headers"][header] = token
        status, _, body = call(sample)
        assert status == expected, name
        assert body.get("sub", "local-user") == "local-user"
    assert body["text"] == "Buy oat milk"


def test_template_keys_the_cache_on_the_same_header():
    template = (ROOT / "template.yaml").read_text()
    assert f'USER_ID_HEADER_NAME: "{ID_HEADER}"\n' in template
    assert re.search(rf'HeaderBehavior: whitelist\n\s+Headers:\n\s+- "{re.escape(ID_HEADER)}"\n', template)
    assert ID_HEADER.lower() != "authorization"
