"""The provider's signing keys: one ES256 key (the default) and one RS256 key, published as a JWKS.

OpenID Connect Discovery 1.0 §3 requires a provider to offer RS256 for ID tokens; ES256 is the
smaller, faster default. Each key carries ``kid``, ``alg`` and ``use: sig``, so a relying party
picks the key by ``kid`` and pins the algorithm it expects.
"""

from __future__ import annotations

from joserfc.jwk import ECKey, KeySet, RSAKey

ID_TOKEN_ALGORITHMS = ("ES256", "RS256")
DEFAULT_ALGORITHM = "ES256"
RSA_BITS = 2048


class SigningKeys:
    """Private keys by algorithm; ``jwks()`` is the public half, as served at /jwks.json."""

    def __init__(self):
        self._keys = {
            "ES256": ECKey.generate_key("P-256", parameters={"alg": "ES256", "use": "sig"}, auto_kid=True),
            "RS256": RSAKey.generate_key(RSA_BITS, parameters={"alg": "RS256", "use": "sig"}, auto_kid=True),
        }

    def private(self, algorithm: str):
        """The private key that signs with ``algorithm`` (one of ID_TOKEN_ALGORITHMS)."""
        if algorithm not in self._keys:
            raise ValueError(f"no key for {algorithm!r}; this provider signs with {', '.join(self._keys)}")
        return self._keys[algorithm]

    def kid(self, algorithm: str) -> str:
        return self.private(algorithm).kid

    def key_set(self) -> KeySet:
        """All private keys (for Authlib endpoints that verify the provider's own ID tokens)."""
        return KeySet(list(self._keys.values()))

    def jwks(self) -> dict:
        """The public keys as a JSON Web Key Set (RFC 7517 §5)."""
        return {"keys": [key.as_dict(private=False) for key in self._keys.values()]}
