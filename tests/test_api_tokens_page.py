"""/settings/tokens: create a token (its secret shown once, in that answer only), see the
working ones, revoke after a confirmation; the API follows at once."""

from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import select

from tests.support.api import make_token
from tests.support.forms import csrf_token_from
from webapp.api.tokens import TOKENS_PER_PERSON, hash_token
from webapp.extensions import db
from webapp.models import ApiToken

SECRET = re.compile(r'id="new-token-secret"[^>]*value="(qrm_[A-Za-z0-9_-]+)"')
PAGE = "/settings/tokens"


@pytest.fixture
def alice(make_user, auth):
    user_id = make_user("alice")
    auth.login("alice")
    return user_id


def create(client, name="deploy bot", scope="write", **extra):
    token = csrf_token_from(client.get(PAGE).get_data(as_text=True))
    return client.post(PAGE, data={"csrf_token": token, "name": name, "scope": scope, **extra})


def tokens_of(user_id):
    db.session.expire_all()
    return db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id)
    ).all()


def me(client, secret):
    return client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})


def test_guests_are_sent_to_sign_in(client):
    for response in (client.get(PAGE), client.get("/settings/tokens/1/revoke")):
        assert response.status_code == 302
        assert "/auth/login" in response.headers["Location"]


def test_the_page_explains_links_the_docs_and_is_linked_from_account_and_menu(client, alice):
    response = client.get(PAGE)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<h1>API tokens</h1>" in html
    assert "You have no tokens." in html
    assert '<a href="/api/docs">API documentation</a>' in html
    assert 'value="read" checked' in html or 'checked id="scope-0"' in html  # read by default
    assert 'src="/static/js/tokens.js' in html and "<script>" not in html
    account = client.get("/auth/account").get_data(as_text=True)
    assert '<a href="/settings/tokens">API tokens</a>' in account
    home = client.get("/").get_data(as_text=True)
    preferences = home.index("Language and time zone</a></li>")
    assert home.index('<li><a href="/settings/tokens">API tokens</a></li>') > preferences


def test_creating_shows_the_secret_once_and_it_works_against_the_api(client, alice):
    response = create(client, name="  deploy   bot ", scope="write")
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]
    html = response.get_data(as_text=True)
    secret = SECRET.search(html).group(1)
    assert "Copy it now: you will not see it again." in html
    assert "readonly" in html and 'data-copy="new-token-secret"' in html
    example = f'curl -H "Authorization: Bearer {secret}" http://localhost/api/v1/me'
    assert example in unescape(html)
    # Never outside the answer: not in a cookie, a header, or the next page.
    assert secret not in str(response.headers)
    assert all(secret not in cookie.value for cookie in client._cookies.values())
    again = client.get(PAGE).get_data(as_text=True)
    assert secret not in again and "Copy it now" not in again

    [token] = tokens_of(alice)
    assert (token.name, token.scope, token.token_hint) == ("deploy bot", "write", secret[:8])
    assert token.token_hash == hash_token(secret)
    listed = again[again.index("Your tokens") : again.index("Create a token")]
    assert "<bdi>deploy bot</bdi>" in listed and "Read and write" in listed
    assert f'<code class="token__hint" dir="ltr">{secret[:8]}…</code>' in listed
    assert "Never used" in listed and f"/settings/tokens/{token.id}/revoke" in listed

    answer = me(client, secret)
    assert answer.status_code == 200
    assert answer.get_json()["person"]["username"] == "alice"
    assert answer.get_json()["scope"] == "write"
    assert "Last used" in client.get(PAGE).get_data(as_text=True)


def test_a_read_token_is_labelled_read(client, alice):
    html = create(client, name="reader", scope="read").get_data(as_text=True)
    secret = SECRET.search(html).group(1)
    listed = html[html.index("Your tokens") :]
    assert "<span>Read</span>" in listed
    assert me(client, secret).get_json()["scope"] == "read"


def test_an_empty_name_is_refused_with_422_keeping_the_scope(client, alice):
    response = create(client, name="   ", scope="write")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Give the token a name, so you know later what uses it." in html
    assert 'checked id="scope-1"' in html  # what was chosen stays chosen
    assert "new-token-secret" not in html
    assert tokens_of(alice) == []


def test_an_unknown_scope_is_refused(client, alice):
    response = create(client, name="x", scope="admin")
    assert response.status_code == 422
    assert "A token can read, or read and write." in response.get_data(as_text=True)
    assert tokens_of(alice) == []


def test_a_too_long_name_is_refused_keeping_what_was_typed(client, alice):
    response = create(client, name="n" * 101)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "A token name has at most 100 characters." in html
    assert 'value="' + "n" * 101 + '"' in html


def test_the_fifty_first_token_is_refused_keeping_what_was_typed(app, client, alice):
    for number in range(TOKENS_PER_PERSON):
        make_token(app, alice, "read", name=f"t{number}")
    response = create(client, name="one too many")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "You have 50 tokens: revoke one you no longer use first." in html
    assert 'value="one too many"' in html
    assert len(tokens_of(alice)) == TOKENS_PER_PERSON


def test_a_post_without_csrf_token_creates_nothing(client, alice):
    response = client.post(PAGE, data={"name": "x", "scope": "read"})
    assert response.status_code == 400
    assert tokens_of(alice) == []


def test_revoking_asks_first_then_the_api_answers_401(app, client, alice):
    secret = make_token(app, alice, "write", name="old script")
    [token] = tokens_of(alice)
    address = f"/settings/tokens/{token.id}/revoke"
    question = client.get(address)
    html = question.get_data(as_text=True)
    assert question.status_code == 200
    assert "Revoke token" in html and "old script" in html and secret[:8] in html
    assert f'action="{address}"' in html and "Cancel" in html
    assert tokens_of(alice)[0].revoked_at is None  # asking changes nothing

    dialog = client.get(address, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in dialog and 'id="confirm-title"' in dialog

    assert me(client, secret).status_code == 200
    done = client.post(address, data={"csrf_token": csrf_token_from(html)})
    assert done.status_code == 303 and done.headers["Location"] == PAGE
    assert tokens_of(alice)[0].revoked_at is not None
    assert me(client, secret).status_code == 401
    page = client.get(PAGE).get_data(as_text=True)
    assert "The token “old script” is revoked." in page
    assert "You have no tokens." in page
    # Asking again about a revoked token: it is gone from the page.
    assert client.get(address).status_code == 404


def test_nobody_revokes_another_persons_token(app, client, alice, make_user):
    bob = make_user("bob")
    secret = make_token(app, bob, "write")
    [token] = tokens_of(bob)
    address = f"/settings/tokens/{token.id}/revoke"
    assert client.get(address).status_code == 404
    csrf = csrf_token_from(client.get(PAGE).get_data(as_text=True))
    assert client.post(address, data={"csrf_token": csrf}).status_code == 404
    assert tokens_of(bob)[0].revoked_at is None
    assert me(client, secret).status_code == 200
    assert "bob" not in client.get(PAGE).get_data(as_text=True).split("Your tokens")[1]


@pytest.mark.parametrize("token_id", ["999999", "99999999999", "0"])
def test_unknown_or_huge_ids_are_404(client, alice, token_id):
    assert client.get(f"/settings/tokens/{token_id}/revoke").status_code == 404


def test_the_page_costs_the_same_statements_for_2_and_20_tokens(
    app, client, alice, count_statements
):
    def statements(total):
        while len(tokens_of(alice)) < total:
            make_token(app, alice, "read", name=f"t{len(tokens_of(alice))}")
        with count_statements() as counter:
            response = client.get(PAGE)
        assert response.get_data(as_text=True).count('class="device token"') == total
        return counter.count

    assert statements(2) == statements(20)
