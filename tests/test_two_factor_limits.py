"""Two-factor sign-in: wrong codes are rate limited per account, requests racing with
one code let only one in, and admins set it up when the site requires it."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import scoped_session, sessionmaker

from tests.conftest import AuthActions
from tests.support.databases import fresh_database, is_postgres
from tests.support.forms import submit
from tests.test_two_factor import (
    SETTINGS,
    USED_CODE,
    USED_RECOVERY,
    Clock,
    code_now,
    enable_for,
    page,
    send_code,
    sign_in,
    signed_in,
    turn_on,
    wrong_code,
)
from webapp.auth import totp, two_factor
from webapp.extensions import db, limiter
from webapp.models import Base, Profile, RecoveryCode, SiteSetting, User
from webapp.site_settings import forget_cached_settings
from webapp.unit_of_work import unit_of_work


@pytest.fixture
def clock(monkeypatch):
    moving = Clock(1_800_000_000.0)
    monkeypatch.setattr(two_factor, "now_seconds", lambda: moving.now)
    return moving


# -- Rate limits -----------------------------------------------------------------------


def test_wrong_codes_are_limited_per_account_whatever_the_address(
    app, make_user, clock, monkeypatch
):
    alice = make_user("alice")
    enable_for(app, alice)
    monkeypatch.setitem(app.config, "TWO_FACTOR_RATE_LIMIT", "3 per minute")
    limiter.reset()  # account ids repeat between tests: start from empty budgets
    first, _ = sign_in(app)
    statuses = [send_code(first, wrong_code(alice, clock)).status_code for _ in range(3)]
    assert statuses == [422, 422, 422]
    assert send_code(first, code_now(alice, clock)).status_code == 429

    elsewhere = app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "198.51.100.77"
    AuthActions(elsewhere).login("alice")
    assert send_code(elsewhere, code_now(alice, clock)).status_code == 429
    assert not signed_in(elsewhere)


def test_right_codes_do_not_use_up_the_budget(app, make_user, clock, monkeypatch):
    alice = make_user("alice")
    enable_for(app, alice)
    monkeypatch.setitem(app.config, "TWO_FACTOR_RATE_LIMIT", "2 per 5 minutes")
    limiter.reset()
    for _ in range(4):
        browser, _ = sign_in(app)
        assert send_code(browser, code_now(alice, clock)).status_code == 302
        clock.tick()
    browser, _ = sign_in(app)
    assert send_code(browser, wrong_code(alice, clock)).status_code == 422
    assert send_code(browser, wrong_code(alice, clock)).status_code == 422
    assert send_code(browser, code_now(alice, clock)).status_code == 429


# -- Races -----------------------------------------------------------------------------


def test_one_code_in_two_transactions_is_accepted_once(app, make_user, clock):
    """Sequentially: the second use finds the step taken (the conditional UPDATE)."""
    alice = make_user("alice")
    codes = enable_for(app, alice)
    code = code_now(alice, clock)
    with app.test_request_context():
        with unit_of_work():
            assert two_factor.check_second_factor(db.session.get(User, alice), code) == "app"
        with pytest.raises(two_factor.TwoFactorError, match=USED_CODE):
            two_factor.check_second_factor(db.session.get(User, alice), code)
        db.session.rollback()
        with unit_of_work():
            assert two_factor.check_second_factor(db.session.get(User, alice), codes[1])
        with pytest.raises(two_factor.TwoFactorError, match=USED_RECOVERY):
            two_factor.check_second_factor(db.session.get(User, alice), codes[1])
        db.session.rollback()


@pytest.fixture
def committing_db(app, tmp_path):
    """A real, committed database with a session per thread, like separate requests."""
    with fresh_database(tmp_path, "two_factor") as url:
        engine = create_engine(url, pool_size=10)
        Base.metadata.create_all(engine)
        original = db.session
        db.session = scoped_session(sessionmaker(bind=engine))
        try:
            yield db.session
        finally:
            db.session.remove()
            db.session = original
            engine.dispose()


def _race(app, user_id: int, typed: str, runners: int = 6) -> list[str]:
    """`runners` requests at once, each signing in with `typed`; what each got."""
    barrier = threading.Barrier(runners)
    outcomes: list[str] = []
    lock = threading.Lock()

    def run():
        with app.test_request_context():
            try:
                barrier.wait(timeout=10)
                with unit_of_work():
                    two_factor.check_second_factor(db.session.get(User, user_id), typed)
                outcome = "accepted"
            except two_factor.TwoFactorError as error:
                outcome = str(error.message)
            finally:
                db.session.remove()
            with lock:
                outcomes.append(outcome)

    threads = [threading.Thread(target=run) for _ in range(runners)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.mark.skipif(not is_postgres(), reason="needs PostgreSQL for parallel writers")
def test_requests_racing_with_one_code_let_only_one_in(app, committing_db, clock):
    user = User(email="racer@example.org", password_hash="x")
    user.profile = Profile(username="racer")
    user.totp_secret = totp.new_secret()
    committing_db.add(user)
    committing_db.flush()
    user.totp_enabled_at = user.created_at
    recovery = "abcde-fghjk"
    committing_db.add(
        RecoveryCode(user_id=user.id, code_hash=two_factor.recovery_code_hash("abcdefghjk"))
    )
    committing_db.commit()
    user_id, secret = user.id, user.totp_secret
    committing_db.remove()

    code = totp.code_at(secret, totp.step_at(clock.now))
    outcomes = _race(app, user_id, code)
    assert sorted(outcomes) == sorted(["accepted"] + [USED_CODE] * 5)
    outcomes = _race(app, user_id, recovery)
    assert sorted(outcomes) == sorted(["accepted"] + [USED_RECOVERY] * 5)


# -- Admins ----------------------------------------------------------------------------


@pytest.fixture
def admin(app, make_user, db_session):
    admin_id = make_user("root")
    db_session.get(User, admin_id).is_admin = True
    db_session.commit()
    return admin_id


def require_for_admins(app, db_session, required: bool) -> None:
    db_session.merge(
        SiteSetting(key="two_factor_required_for_admins", value="1" if required else "0")
    )
    db_session.commit()
    with app.app_context():
        forget_cached_settings()


def test_admins_without_2fa_are_sent_to_set_it_up_when_the_site_requires_it(
    app, client, auth, admin, db_session, clock
):
    require_for_admins(app, db_session, True)
    auth.login("root")
    for path in ("/admin/", "/admin/people"):
        response = client.get(path)
        assert response.status_code == 303
        assert response.headers["Location"] == SETTINGS
    settings_page = client.get(SETTINGS)
    assert settings_page.status_code == 200
    assert "Set up two-factor sign-in to use the admin pages." in page(settings_page)
    posted = submit(client, SETTINGS, {}, post_url="/admin/settings")
    assert posted.status_code == 303 and posted.headers["Location"] == SETTINGS

    turn_on(client, admin, clock)
    assert client.get("/admin/").status_code == 200
    assert auth.logout().status_code == 302


def test_admins_without_2fa_get_in_when_the_site_does_not_require_it(
    app, client, auth, admin, db_session
):
    require_for_admins(app, db_session, False)
    auth.login("root")
    assert client.get("/admin/").status_code == 200
