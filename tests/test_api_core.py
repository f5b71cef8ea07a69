"""The API's front door: tokens, scopes, the error shape, languages, ETags, rate limits
and the OpenAPI document."""

from __future__ import annotations

from datetime import timedelta

from tests.support.api import ApiClient
from webapp.api.tokens import create_token, revoke_token, token_owner
from webapp.extensions import limiter
from webapp.models import ApiToken, User, utc_now
from webapp.unit_of_work import unit_of_work


def test_me_answers_who_the_token_belongs_to(api_as):
    alice = api_as("alice")
    response = alice.get("/me")
    assert response.status_code == 200
    body = response.get_json()
    assert body["person"]["username"] == "alice"
    assert body["person"]["url"] == "http://localhost/u/alice"
    assert body["scope"] == "write"
    assert body["is_admin"] is False


def test_no_token_a_wrong_one_or_another_scheme_is_401_json(client, api_as):
    api_as("alice")
    for headers in ({}, {"Authorization": "Bearer qrm_nope"}, {"Authorization": "Basic abc"}):
        response = client.get("/api/v1/me", headers=headers)
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"] == 'Bearer realm="api"'
        assert response.get_json() == {
            "error": {
                "code": "unauthorized",
                "message": "Send a valid personal access token: Authorization: Bearer <token>.",
                "fields": {},
            }
        }


def test_cookies_do_not_sign_anyone_in_to_the_api(client, auth, make_user):
    make_user("alice")
    auth.login("alice")
    assert client.get("/api/v1/me").status_code == 401


def test_a_revoked_token_and_a_banned_owner_stop_at_once(app, api_as, db_session):
    alice = api_as("alice")
    assert alice.get("/me").status_code == 200
    with app.test_request_context(), unit_of_work():
        token = db_session.query(ApiToken).one()
        revoke_token(None, token.id)
    assert alice.get("/me").status_code == 401

    bob = api_as("bob")
    assert bob.get("/me").status_code == 200
    user = db_session.query(User).join(User.profile).filter_by(username="bob").one()
    user.banned_at = utc_now()
    db_session.commit()
    assert bob.get("/me").status_code == 401


def test_a_ban_with_an_end_lets_the_token_work_again_once_it_is_over(api_as, db_session):
    bob = api_as("bob")
    user = db_session.query(User).join(User.profile).filter_by(username="bob").one()
    user.banned_at = utc_now() - timedelta(days=2)
    user.banned_until = utc_now() - timedelta(days=1)
    db_session.commit()
    assert bob.get("/me").status_code == 200


def test_a_read_token_cannot_write(api_as):
    reader = api_as("alice", scope="read")
    assert reader.get("/me").status_code == 200
    response = reader.post("/posts", json={})
    # Refused before anything else is looked at (even the body): the method is a write.
    assert response.status_code == 403
    assert response.get_json()["error"] == {
        "code": "forbidden",
        "message": "This token can only read: create one that can write.",
        "fields": {},
    }


def test_messages_follow_accept_language(client):
    response = client.get("/api/v1/me", headers={"Accept-Language": "de"})
    assert response.status_code == 401
    message = response.get_json()["error"]["message"]
    assert message != "Send a valid personal access token: Authorization: Bearer <token>."
    assert "Token" in message


def test_an_unknown_api_address_is_a_json_404(api_as):
    response = api_as("alice").get("/nothing-here")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_get_answers_carry_an_etag_and_if_none_match_gets_304(api_as):
    alice = api_as("alice")
    first = alice.get("/me")
    etag = first.headers["ETag"]
    again = alice.get("/me", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.get_data() == b""


def test_too_many_requests_are_429_with_retry_after(app, api_as):
    alice = api_as("alice")
    app.config["API_RATE_LIMIT"] = "2 per minute"
    limiter.reset()
    try:
        assert alice.get("/me").status_code == 200
        assert alice.get("/me").status_code == 200
        refused = alice.get("/me")
        assert refused.status_code == 429
        assert refused.get_json()["error"]["code"] == "rate_limited"
        assert int(refused.headers["Retry-After"]) > 0
        # Per token: another token of the same machine is not held up.
        assert api_as("bob").get("/me").status_code == 200
    finally:
        app.config["API_RATE_LIMIT"] = "10000 per minute"
        limiter.reset()


def test_token_secrets_are_stored_only_as_hashes(app, make_user, db_session):
    user_id = make_user("alice")
    with app.test_request_context(), unit_of_work():
        token, secret = create_token(db_session.get(User, user_id), "  my   script ", "read")
        token_id = token.id
    stored = db_session.get(ApiToken, token_id)
    assert secret.startswith("qrm_") and len(secret) > 40
    assert stored.name == "my script"
    assert secret not in (stored.token_hash, stored.token_hint)
    assert stored.token_hint == secret[:8]
    with app.test_request_context():
        found = token_owner(secret)
    assert found is not None and found[1].id == user_id


def test_the_openapi_document_is_3_1_with_bearer_security(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    assert spec["openapi"] == "3.1.0"
    assert spec["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "A personal access token.",
    }
    assert spec["security"] == [{"bearerAuth": []}]
    me = spec["paths"]["/api/v1/me"]["get"]
    assert {"200", "401", "429", "304"} <= set(me["responses"])
    error = spec["components"]["schemas"]["Error"]
    assert error["required"] == ["error"]


def test_the_api_client_helper_sends_the_token(client, api_as):
    assert isinstance(api_as("carol"), ApiClient)


def test_a_body_over_the_size_limit_is_a_json_413(app, api_as):
    alice = api_as("alice")
    limit = app.config["MAX_CONTENT_LENGTH"]
    response = alice.post(
        "/posts",
        data=b"{" + b" " * (limit + 10) + b"}",
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "too_large"


def test_a_wrong_method_is_a_json_405_with_allow(api_as):
    response = api_as("alice").delete("/me")
    assert response.status_code == 405
    assert response.get_json()["error"]["code"] == "method_not_allowed"
    assert "GET" in response.headers["Allow"]


def test_every_operation_is_documented_with_its_errors(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    operations = [
        (path, method, operation)
        for path, item in spec["paths"].items()
        for method, operation in item.items()
        if method in ("get", "post", "put", "patch", "delete")
    ]
    assert len(operations) >= 35
    for path, method, operation in operations:
        where = f"{method.upper()} {path}"
        assert operation.get("summary"), where
        responses = operation["responses"]
        assert {"401", "429"} <= set(responses), where
        if method != "get":
            assert "403" in responses, where
        successes = [code for code in responses if code.startswith("2")]
        assert successes, where
        for code, response in responses.items():
            if code.startswith(("4", "5")):
                schema = response["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/Error"}, (where, code)
