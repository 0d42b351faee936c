"""Console passwords: Argon2id hashes, a minimum length, and a failed check that never raises."""

import pytest

from staff.passwords import MIN_PASSWORD_LENGTH, WeakPassword, hash_password, verify_password

PASSWORD = "correct horse battery"


def test_a_hash_verifies_its_password_and_no_other():
    stored = hash_password(PASSWORD)

    assert stored.startswith("$argon2id$")
    assert verify_password(stored, PASSWORD) and not verify_password(stored, PASSWORD + "!")


def test_a_short_password_is_refused():
    with pytest.raises(WeakPassword):
        hash_password("x" * (MIN_PASSWORD_LENGTH - 1))


def test_a_stored_value_that_is_no_hash_verifies_nothing():
    assert not verify_password("not a hash", PASSWORD)
