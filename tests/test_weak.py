import secrets

from authlab.weak import MIN_SECRET_BYTES, weak_secrets, weakness


def test_article_secrets_are_in_the_list():
    for secret in ("your-secret-key", "super-secret-key", "jwt-secret", "my-secret", "keyboard cat", "secret123"):
        assert secret in weak_secrets()
        assert "common secrets" in weakness(secret)


def test_short_secret_is_weak_and_random_key_is_not():
    assert "bytes" in weakness("x7Qp2Lr9")
    assert weakness(secrets.token_bytes(MIN_SECRET_BYTES)) is None
    assert weakness(secrets.token_urlsafe(32)) is None


def test_comments_are_not_secrets():
    assert not any(word.startswith("#") for word in weak_secrets())
    assert len(weak_secrets()) >= 100
