import pytest
from fakes import FakeClock

from authlab.refresh import FamilyRevoked, RefreshTokenReused, RefreshTokens, UnknownRefreshToken
from authlab.stores import MemoryStore, RedisStore, SQLiteStore, new_session_id


@pytest.fixture(params=["memory", "sqlite", "redis"])
def store(request, tmp_path):
    if request.param == "memory":
        made = MemoryStore(FakeClock())
    elif request.param == "sqlite":
        made = SQLiteStore(tmp_path / "refresh.db", FakeClock())
    else:
        made = RedisStore(request.getfixturevalue("redis_url"), prefix=f"test:{new_session_id()}:")
    yield made
    made.clear()
    made.close()


def test_rotation_chain(store):
    tokens = RefreshTokens(store)
    first = tokens.issue("alice")
    second = tokens.rotate(first)
    third = tokens.rotate(second.refresh_token)
    assert second.user == third.user == "alice"
    assert second.family == third.family
    assert len({first, second.refresh_token, third.refresh_token}) == 3


def test_replaying_a_used_token_revokes_the_family(store):
    tokens = RefreshTokens(store)
    stolen = tokens.issue("alice")
    newest = tokens.rotate(stolen).refresh_token  # the user refreshes; the thief still holds `stolen`
    with pytest.raises(RefreshTokenReused, match="log in again"):
        tokens.rotate(stolen)
    with pytest.raises(FamilyRevoked, match="used twice"):
        tokens.rotate(newest)  # the legitimate user is logged out too
    with pytest.raises(FamilyRevoked):
        tokens.rotate(stolen)  # and the replay stays refused


def test_other_logins_survive_a_revoked_family(store):
    tokens = RefreshTokens(store)
    victim, bystander = tokens.issue("alice"), tokens.issue("alice")
    tokens.rotate(victim)
    with pytest.raises(RefreshTokenReused):
        tokens.rotate(victim)
    assert tokens.rotate(bystander).user == "alice"


def test_logout_revokes_the_family(store):
    tokens = RefreshTokens(store)
    token = tokens.rotate(tokens.issue("bob")).refresh_token
    assert tokens.revoke(token) is True
    with pytest.raises(FamilyRevoked, match="logged out"):
        tokens.rotate(token)
    assert tokens.revoke("never-issued") is False


@pytest.mark.parametrize("bad", ["", "never-issued", None, 42])
def test_unknown_tokens_are_refused(store, bad):
    with pytest.raises(UnknownRefreshToken, match="log in again"):
        RefreshTokens(store).rotate(bad)


def test_store_holds_digests_not_tokens():
    store = MemoryStore()
    token = RefreshTokens(store).issue("alice")
    assert token not in repr(store.items())


def test_families_expire_after_their_lifetime():
    store = MemoryStore(FakeClock())
    tokens = RefreshTokens(store, lifetime=60)
    token = tokens.issue("alice")
    store.clock.now += 50
    token = tokens.rotate(token).refresh_token  # rotation does not extend the login
    store.clock.now += 11
    with pytest.raises(UnknownRefreshToken):
        tokens.rotate(token)


def test_reuse_is_detected_through_a_shared_store_file(tmp_path):
    first = RefreshTokens(SQLiteStore(tmp_path / "shared.db"))
    second = RefreshTokens(SQLiteStore(tmp_path / "shared.db"))
    token = first.issue("alice")
    first.rotate(token)
    with pytest.raises(RefreshTokenReused):
        second.rotate(token)
