"""TOTP (RFC 6238) from scratch: the RFC's own test vectors, clock drift, typed codes,
secrets and the otpauth:// address an authenticator app reads."""

from __future__ import annotations

import base64

import pytest

from webapp.auth import totp

# RFC 6238 appendix B: the SHA-1 seed and the 8-digit TOTP values at these Unix times.
RFC_SEED = b"12345678901234567890"
RFC_6238_SHA1 = [
    (59, "94287082"),
    (1111111109, "07081804"),
    (1111111111, "14050471"),
    (1234567890, "89005924"),
    (2000000000, "69279037"),
    (20000000000, "65353130"),
]
# RFC 4226 appendix D: HOTP values of the same seed for counters 0 to 9.
RFC_4226 = [
    "755224",
    "287082",
    "359152",
    "969429",
    "338314",
    "254676",
    "287922",
    "162583",
    "399871",
    "520489",
]
SECRET = base64.b32encode(RFC_SEED).decode()  # GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ


@pytest.mark.parametrize(("unix_time", "expected"), RFC_6238_SHA1)
def test_rfc_6238_sha1_vectors_with_eight_digits(unix_time, expected):
    assert totp.hotp(RFC_SEED, totp.step_at(unix_time), digits=8) == expected


@pytest.mark.parametrize(("unix_time", "expected"), RFC_6238_SHA1)
def test_six_digit_codes_are_the_last_six_of_the_rfc_values(unix_time, expected):
    assert totp.code_at(SECRET, totp.step_at(unix_time)) == expected[-6:]


def test_rfc_4226_hotp_vectors():
    assert [totp.hotp(RFC_SEED, counter) for counter in range(10)] == RFC_4226


def test_time_steps_are_thirty_seconds():
    assert [totp.step_at(t) for t in (0, 29.9, 30, 59, 60)] == [0, 0, 1, 1, 2]


def test_the_current_step_and_one_step_of_drift_either_way_are_accepted():
    now = 1111111111  # step 37037037
    step = totp.step_at(now)
    assert totp.matching_step(SECRET, "050471", now) == step
    assert totp.matching_step(SECRET, totp.code_at(SECRET, step - 1), now) == step - 1
    assert totp.matching_step(SECRET, totp.code_at(SECRET, step + 1), now) == step + 1
    assert totp.matching_step(SECRET, totp.code_at(SECRET, step - 2), now) is None
    assert totp.matching_step(SECRET, totp.code_at(SECRET, step + 2), now) is None


def test_a_code_typed_with_spaces_or_a_dash_is_accepted():
    now = 1111111111
    step = totp.step_at(now)
    assert totp.matching_step(SECRET, "050 471", now) == step
    assert totp.matching_step(SECRET, " 05 04 71 ", now) == step
    assert totp.matching_step(SECRET, "050-471", now) == step


@pytest.mark.parametrize(
    "typed",
    [
        "",
        None,
        "05047",
        "0504711",
        "05O471",
        "abcdef",
        "１２３４５６",
        "050471" + " " * 30,
        "+50471",
    ],
)
def test_letters_short_long_and_non_ascii_codes_are_refused(typed):
    assert totp.normalize_code(typed) is None
    assert totp.matching_step(SECRET, typed, 1111111111) is None


def test_a_wrong_code_matches_no_step():
    now = 1111111111
    accepted = {totp.code_at(SECRET, totp.step_at(now) + delta) for delta in (-1, 0, 1)}
    wrong = next(f"{n:06d}" for n in range(1000000) if f"{n:06d}" not in accepted)
    assert totp.matching_step(SECRET, wrong, now) is None


def test_new_secrets_are_random_160_bit_base32():
    first, second = totp.new_secret(), totp.new_secret()
    assert first != second
    assert len(first) == 32 and first == first.upper() and "=" not in first
    assert len(totp.secret_key(first)) == 20
    assert totp.secret_key(first.lower()) == totp.secret_key(first)


def test_a_secret_that_is_not_base32_is_refused():
    with pytest.raises(ValueError):
        totp.secret_key("not base32!")


def test_the_otpauth_address_quotes_the_site_and_the_account():
    uri = totp.provisioning_uri(SECRET, "alice_1", "Quorum & Friends: Berlin/Ost")
    assert uri == (
        "otpauth://totp/Quorum%20%26%20Friends%3A%20Berlin%2FOst:alice_1"
        f"?secret={SECRET}&issuer=Quorum%20%26%20Friends%3A%20Berlin%2FOst"
        "&algorithm=SHA1&digits=6&period=30"
    )


def test_the_secret_is_shown_in_groups_of_four():
    assert totp.grouped(SECRET) == "GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ"
