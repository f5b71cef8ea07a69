"""`flask api-token create|list|revoke`: the same service and rules as /settings/tokens;
`create` prints the token alone on its last line; refusals exit non-zero."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from tests.support.api import make_token
from webapp.api.tokens import TOKENS_PER_PERSON, hash_token
from webapp.extensions import db
from webapp.models import ApiToken


def tokens_of(user_id):
    db.session.expire_all()
    return db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id)
    ).all()


def me(client, secret):
    return client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})


def test_create_prints_the_token_alone_on_its_last_line_and_it_works(runner, client, make_user):
    alice = make_user("alice")
    result = runner.invoke(
        args=["api-token", "create", "ALICE", "--name", "deploy", "--scope", "write"]
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    secret = lines[-1]
    assert secret.startswith("qrm_") and " " not in secret
    [token] = tokens_of(alice)
    assert lines[0] == (
        f"Created token {token.id} “deploy” for alice (read and write). "
        "Keep it now: it is not shown again."
    )
    assert (token.name, token.scope, token.token_hash) == ("deploy", "write", hash_token(secret))
    answer = me(client, secret)
    assert answer.status_code == 200
    assert answer.get_json()["person"]["username"] == "alice"
    assert answer.get_json()["scope"] == "write"


def test_create_is_read_only_by_default(runner, make_user):
    alice = make_user("alice")
    result = runner.invoke(args=["api-token", "create", "alice", "--name", "reader"])
    assert result.exit_code == 0, result.output
    assert "(read)" in result.output
    assert tokens_of(alice)[0].scope == "read"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["create", "nobody", "--name", "x"], "There is no account named 'nobody'."),
        (["create", "alice", "--name", "  "], "Give the token a name"),
        (["create", "alice", "--name", "n" * 101], "A token name has at most 100 characters."),
        (["create", "alice", "--name", "x", "--scope", "admin"], "'admin' is not one of"),
        (["create", "alice"], "Missing option '--name'"),
        (["list", "nobody"], "There is no account named 'nobody'."),
        (["revoke", "12345"], "There is no such token."),
        (["revoke", "99999999999"], "is not in the range"),
        (["revoke", "abc"], "is not a valid integer"),
    ],
)
def test_refusals_exit_non_zero_with_the_message(runner, make_user, args, message):
    alice = make_user("alice")
    result = runner.invoke(args=["api-token", *args])
    assert result.exit_code != 0
    assert message in result.output
    assert tokens_of(alice) == []


def test_the_fifty_first_token_is_refused(app, runner, make_user):
    alice = make_user("alice")
    for number in range(TOKENS_PER_PERSON):
        make_token(app, alice, "read", name=f"t{number}")
    result = runner.invoke(args=["api-token", "create", "alice", "--name", "more"])
    assert result.exit_code != 0
    assert "You have 50 tokens: revoke one you no longer use first." in result.output
    assert len(tokens_of(alice)) == TOKENS_PER_PERSON


def test_list_shows_the_working_tokens_newest_first(app, runner, make_user, db_session):
    alice = make_user("alice")
    make_user("bob")
    first = make_token(app, alice, "read", name="backup script")
    second = make_token(app, alice, "write", name="bot")
    revoked = make_token(app, alice, "write", name="old")
    tokens = tokens_of(alice)
    tokens[0].created_at = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
    tokens[0].last_used_at = datetime(2025, 3, 2, 10, 0, tzinfo=UTC)
    tokens[1].created_at = datetime(2025, 4, 1, 8, 0, tzinfo=UTC)
    ids = [token.id for token in tokens]
    db_session.commit()
    assert runner.invoke(args=["api-token", "revoke", str(ids[2])]).exit_code == 0

    result = runner.invoke(args=["api-token", "list", "alice"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["ID", "NAME", "SCOPE", "HINT", "CREATED", "LAST", "USED"]
    assert lines[1].split() == [
        str(ids[1]), "bot", "write", f"{second[:8]}…", "2025-04-01", "08:00", "UTC", "never"
    ]  # fmt: skip
    assert lines[2].split() == [
        str(ids[0]), "backup", "script", "read", f"{first[:8]}…",
        "2025-03-01", "09:30", "UTC", "2025-03-02", "10:00", "UTC",
    ]  # fmt: skip
    assert len(lines) == 3 and revoked[:8] not in result.output
    # Columns line up: every row's hint starts where the header's does.
    column = lines[0].index("HINT")
    assert lines[1][column:].startswith(second[:8]) and lines[2][column:].startswith(first[:8])

    empty = runner.invoke(args=["api-token", "list", "bob"])
    assert empty.exit_code == 0 and empty.output == "bob has no tokens.\n"


def test_revoke_stops_the_token_at_once_and_twice_changes_nothing(app, runner, client, make_user):
    alice = make_user("alice")
    secret = make_token(app, alice, "write", name="deploy")
    [token_id] = [token.id for token in tokens_of(alice)]
    assert me(client, secret).status_code == 200
    result = runner.invoke(args=["api-token", "revoke", str(token_id)])
    assert result.exit_code == 0, result.output
    assert result.output == f"Revoked token {token_id} “deploy”.\n"
    assert me(client, secret).status_code == 401
    revoked_at = tokens_of(alice)[0].revoked_at
    again = runner.invoke(args=["api-token", "revoke", str(token_id)])
    assert again.exit_code == 0
    assert again.output == f"Token {token_id} “deploy” was already revoked.\n"
    assert tokens_of(alice)[0].revoked_at == revoked_at
