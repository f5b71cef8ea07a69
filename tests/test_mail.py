"""The mail path: SMTP when MAIL_SERVER is set, else one .eml file per mail in the
outbox; sent only after the commit; a mail server that is down breaks no page."""

from __future__ import annotations

import email
import email.policy
import logging
import socket
import time

import pytest

from tests.conftest import TEST_PASSWORD
from tests.support.forms import submit
from tests.support.own_app import app_of_its_own, log_lines
from webapp.mail import send_mail
from webapp.unit_of_work import unit_of_work


def sign_up(client, username: str = "alice"):
    return submit(
        client,
        "/auth/register",
        {
            "email": f"{username}@example.org",
            "username": username,
            "password": TEST_PASSWORD,
            "password_confirm": TEST_PASSWORD,
        },
    )


def closed_port() -> int:
    """A local port with nothing listening on it."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_without_a_mail_server_each_mail_is_an_eml_file_in_the_outbox(tmp_path, monkeypatch):
    with app_of_its_own(tmp_path, MAIL_SERVER=None) as app:
        # Alembic's logging setup silenced the loggers that existed when it ran.
        monkeypatch.setattr(logging.getLogger("webapp.mail"), "disabled", False)
        outbox = tmp_path / "instance" / "outbox"
        assert app.config["MAIL_OUTBOX"] == str(outbox)
        with log_lines() as lines:
            response = sign_up(app.test_client())
        assert response.status_code == 303
        files = sorted(outbox.glob("*.eml"))
        assert len(files) == 1
        message = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
        assert message["To"] == "alice@example.org"
        assert message["From"] == "Quorum <noreply@quorum.test>"
        assert message["Subject"] == "Confirm your email address on Quorum"
        text = message.get_body(preferencelist=("plain",))
        html = message.get_body(preferencelist=("html",))
        assert text is not None and text.get_content_type() == "text/plain"
        assert html is not None and html.get_content_type() == "text/html"
        assert "http://localhost/auth/confirm/" in text.get_content()
        assert '<html lang="en" dir="ltr">' in html.get_content()
        assert f"webapp.mail: Mail to alice@example.org written to {files[0]}" in lines

        # The reset mail leaves beside the response (webapp/auth/recovery.py): it arrives too.
        asked = submit(app.test_client(), "/auth/forgot", {"email": "alice@example.org"})
        assert asked.status_code == 303
        deadline = time.monotonic() + 10
        while len(list(outbox.glob("*.eml"))) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        (reset,) = set(outbox.glob("*.eml")) - set(files)
        message = email.message_from_bytes(reset.read_bytes(), policy=email.policy.default)
        assert message["Subject"] == "Choose a new password for Quorum"


def test_with_a_mail_server_the_mail_goes_over_smtp(app, db_session, mailbox):
    with app.test_request_context(), unit_of_work():
        send_mail(
            "bob@example.org",
            "signup_attempt",
            None,
            username="bob",
            sign_in_link="http://localhost/auth/login",
            reset_link="http://localhost/auth/forgot",
        )
    mail = mailbox.wait_for("bob@example.org")
    assert mail.recipients == ["bob@example.org"]
    assert mail.message["From"] == "Quorum <noreply@quorum.test>"
    assert mail.subject == "Someone tried to sign up on Quorum with your address"
    assert "Hello bob," in mail.text
    assert "<p>Hello \u2068bob\u2069,</p>" in mail.html


def test_a_rolled_back_transaction_sends_nothing(app, db_session, mailbox):
    context = {"username": "x", "sign_in_link": "http://l/", "reset_link": "http://l/"}
    with app.test_request_context():
        with pytest.raises(RuntimeError), unit_of_work():
            send_mail("lost@example.org", "signup_attempt", None, **context)
            raise RuntimeError("the write failed")
        with unit_of_work():
            send_mail("kept@example.org", "signup_attempt", None, **context)
    mailbox.wait_for("kept@example.org")
    time.sleep(0.1)
    assert [mail.to for mail in mailbox.mails] == ["kept@example.org"]


def test_a_refused_form_sends_nothing(client, auth, make_user, mailbox):
    """A request answered with an error rolls back, and its mail with it."""
    make_user("alice")
    auth.login("alice")
    refused = submit(
        client,
        "/settings/account",
        {"new_email": "new@example.org", "email_password": "not my password"},
        post_url="/settings/account/email",
    )
    assert refused.status_code == 422
    time.sleep(0.2)
    assert mailbox.mails == []


def test_a_mail_server_that_is_down_breaks_no_page(app, client, mailbox, monkeypatch):
    monkeypatch.setattr(app.extensions["mailman"], "port", closed_port())
    monkeypatch.setattr(logging.getLogger("webapp.mail"), "disabled", False)
    with log_lines() as lines:
        response = sign_up(client)
    assert response.status_code == 303
    assert response.headers["Location"] == "/auth/login?identifier=alice"
    assert "webapp.mail: Could not send mail to alice@example.org" in lines
    assert mailbox.mails == []
