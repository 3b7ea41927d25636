"""The per-account login limit counts the canonical identifier, slides, and never locks the
owner's own browser out (docs/security.md, V2.2.1)."""

import time

import pytest

from blueprints.auth import devices
from blueprints.auth.services import canonical_identifier
from tests.conftest import PASSWORD

WRONG = "salah-terus"


def _spellings(nip: str) -> list[str]:
    """Six ways a person may type one NIP: digits, printed, dotted, hyphenated, padded, mixed."""
    groups = [nip[:8], nip[8:14], nip[14], nip[15:]]
    return [
        nip,
        " ".join(groups),
        ".".join(groups),
        "-".join(groups),
        f"  {nip}  ",
        f"{groups[0]}.{groups[1]}-{groups[2]} {groups[3]}",
    ]


def _post(client, identifier: str, password: str = WRONG) -> int:
    return client.post("/masuk", data={"identifier": identifier, "password": password}).status_code


@pytest.fixture
def clock(monkeypatch):
    """Moves time.time forward (the limiter's memory storage and cookie signatures read it)."""
    real = time.time
    offset = {"seconds": 0.0}
    monkeypatch.setattr(time, "time", lambda: real() + offset["seconds"])

    def advance(seconds: float) -> None:
        offset["seconds"] += seconds

    return advance


def test_one_function_spells_the_identifier_for_the_lookup_and_the_limit(org):
    nip = org.staff_a1.nip
    assert {canonical_identifier(s) for s in _spellings(nip)} == {nip}
    assert canonical_identifier("  Staf.A1@Marelan.GO.id ") == "staf.a1@marelan.go.id"


def test_five_wrong_passwords_under_five_spellings_then_the_sixth_is_429(app, org):
    spellings = _spellings(org.staff_a1.nip)
    stranger = app.test_client()
    assert [_post(stranger, s) for s in spellings[:5]] == [422] * 5
    assert _post(stranger, spellings[5]) == 429
    # The dotted spelling with the right password waits too (it used to slip through).
    assert _post(app.test_client(), spellings[2], PASSWORD) == 429
    # Another account is not affected.
    assert _post(app.test_client(), org.staff_b1.email, PASSWORD) == 303


def test_the_nip_and_the_email_of_one_account_share_one_limit(app, org):
    person = org.staff_a1
    spellings = _spellings(person.nip)[:3] + [person.email.upper(), f" {person.email} "]
    stranger = app.test_client()
    assert [_post(stranger, s) for s in spellings] == [422] * 5
    assert _post(stranger, person.email) == 429  # the sixth, whatever the spelling
    assert _post(app.test_client(), person.nip, PASSWORD) == 429


def test_spellings_of_an_email_count_together(app, org):
    email = org.staff_a1.email
    spellings = [email, email.upper(), f"  {email}", f"{email}\t", email.capitalize()]
    stranger = app.test_client()
    assert [_post(stranger, s) for s in spellings] == [422] * 5
    assert _post(stranger, email.title()) == 429
    # E-mail and NIP are one account to the limit too: the NIP waits with the e-mail.
    assert _post(stranger, org.staff_a1.nip) == 429


def test_the_window_slides_and_then_the_owner_logs_in(app, org, clock):
    stranger = app.test_client()
    assert [_post(stranger, org.staff_a1.email) for _ in range(5)] == [422] * 5
    clock(50)
    assert _post(app.test_client(), org.staff_a1.email, PASSWORD) == 429
    clock(11)  # the five failures are now more than a minute old
    assert _post(app.test_client(), org.staff_a1.email, PASSWORD) == 303


def test_the_limit_does_not_escalate(app, org, clock):
    """A stranger failing again and again never earns the account a longer wait: each minute
    they get five guesses at most, and the owner's next minute is a fresh one."""
    stranger = app.test_client()
    for _round in range(3):
        assert [_post(stranger, org.staff_a1.email) for _ in range(6)] == [422] * 5 + [429]
        clock(61)
    assert _post(app.test_client(), org.staff_a1.email, PASSWORD) == 303


def test_a_stranger_cannot_lock_the_owner_out_of_their_own_browser(app, org):
    owner = app.test_client()
    assert _post(owner, org.staff_a1.email, PASSWORD) == 303  # this browser is now known
    owner.post("/keluar")

    stranger = app.test_client()
    assert [_post(stranger, s) for s in _spellings(org.staff_a1.nip)] == [422] * 5 + [429]
    assert _post(stranger, org.staff_a1.nip, PASSWORD) == 429

    # The owner's browser is exempt from the account's limit, under either identifier.
    assert _post(owner, org.staff_a1.nip, PASSWORD) == 303
    owner.post("/keluar")
    assert _post(owner, org.staff_a1.email, PASSWORD) == 303
    owner.post("/keluar")

    # ...but it has a limit of its own: a stolen cookie buys five guesses a minute, no more.
    assert [_post(owner, org.staff_a1.email) for _ in range(6)] == [422] * 5 + [429]


def test_the_known_device_cookie_cannot_be_made_up_or_borrowed(app, org):
    owner = app.test_client()
    assert _post(owner, org.staff_a1.email, PASSWORD) == 303
    cookie = owner.get_cookie(devices.COOKIE, path="/masuk")
    assert cookie is not None and cookie.http_only

    stranger = app.test_client()
    assert [_post(stranger, org.staff_a1.email) for _ in range(6)] == [422] * 5 + [429]
    # A cookie for another account (the stranger's own) does not exempt them from this one.
    assert _post(stranger, org.staff_b1.email, PASSWORD) == 303
    assert _post(stranger, org.staff_a1.email) == 429
    # Nor does a forged one.
    forger = app.test_client()
    forger.set_cookie(devices.COOKIE, cookie.value[:-2] + "xx", path="/masuk")
    assert _post(forger, org.staff_a1.email, PASSWORD) == 429
