"""The auth service's signing keys: ES256 by default, RS256 where OpenID Connect needs it, rotated by ``kid``.

    key = SigningKey()                    # a P-256 key pair for ES256; kid = its RFC 7638 thumbprint
    key = SigningKey(algorithm="RS256")   # RSA 2048, for OpenID Connect relying parties
    keys = KeySet()                       # one key, signing
    new = keys.add()                      # published in keys.jwks() at once, not signing yet
    keys.use(new.kid)                     # signs from now on; the old key stays published
    keys.retire(old.kid)                  # once every token it signed has expired

Why ES256: the OWASP JSON Web Token cheat sheet recommends EdDSA, ES256 or PS256 and not RS256
(RSASSA-PKCS1-v1_5, which ASVS 5.0 Appendix C lists as disallowed). ES256 is the one every JOSE
library, JWKS consumer and browser (WebCrypto ECDSA P-256) supports; EdDSA support is still
"limited" (the cheat sheet's word). OpenID Connect Discovery requires a provider to offer RS256
for ID tokens, so RS256 stays available for that.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from authlab.errors import AuthlabError

DEFAULT_ALGORITHM = "ES256"
# RFC 7638 §3.2: the members a thumbprint hashes, per key type, in lexicographic order
THUMBPRINT_MEMBERS = {"EC": ("crv", "kty", "x", "y"), "RSA": ("e", "kty", "n"), "OKP": ("crv", "kty", "x")}

__all__ = ["DEFAULT_ALGORITHM", "KeySet", "SigningKey", "UnknownKeyError", "algorithm_for", "thumbprint"]


class UnknownKeyError(AuthlabError, KeyError):
    """No published key has this key ID."""


def thumbprint(public_jwk: dict) -> str:
    """The RFC 7638 thumbprint of a public JWK (EC, RSA or OKP): a key ID derived from the key itself."""
    members = THUMBPRINT_MEMBERS.get(public_jwk.get("kty"))
    if members is None:
        raise ValueError(f"no RFC 7638 thumbprint for key type {public_jwk.get('kty')!r}")
    canonical = json.dumps({name: public_jwk[name] for name in members}, separators=(",", ":"))
    return jwt.utils.base64url_encode(hashlib.sha256(canonical.encode()).digest()).decode()


def algorithm_for(private_key: Any) -> str:
    """The JWS algorithm a private key signs with: ES256 for P-256, RS256 for RSA."""
    if isinstance(private_key, ec.EllipticCurvePrivateKey) and isinstance(private_key.curve, ec.SECP256R1):
        return "ES256"
    if isinstance(private_key, rsa.RSAPrivateKey):
        return "RS256"
    raise TypeError(f"not a P-256 or RSA private key: {type(private_key).__name__}")


def _generate(algorithm: str):
    if algorithm == "ES256":
        return ec.generate_private_key(ec.SECP256R1())
    if algorithm == "RS256":
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    raise ValueError(f"SigningKey makes ES256 or RS256 keys, not {algorithm!r}")


class SigningKey:
    """A private key, its algorithm, its key ID and the public JWK that verifiers fetch."""

    def __init__(self, private_key: Any = None, *, algorithm: str | None = None):
        self.private_key = private_key if private_key is not None else _generate(algorithm or DEFAULT_ALGORITHM)
        self.algorithm = algorithm_for(self.private_key)
        if algorithm is not None and algorithm != self.algorithm:
            raise ValueError(f"a {self.algorithm} key cannot sign {algorithm}")
        self.public_key = self.private_key.public_key()
        public = jwt.get_algorithm_by_name(self.algorithm).to_jwk(self.public_key, as_dict=True)
        self.kid = thumbprint(public)
        self.public_jwk = {**public, "kid": self.kid, "use": "sig", "alg": self.algorithm}

    def jwks(self) -> dict:
        return {"keys": [self.public_jwk]}

    def sign(self, payload: dict, headers: dict | None = None) -> str:
        """``payload`` signed with this key, its ``kid`` in the header."""
        headers = {**(headers or {}), "kid": self.kid}
        return jwt.encode(payload, self.private_key, algorithm=self.algorithm, headers=headers)

    @classmethod
    def from_pem(cls, pem: bytes) -> SigningKey:
        return cls(serialization.load_pem_private_key(pem, password=None))

    def __reduce__(self):  # pickled as PEM, so every process of a cluster can be handed the same key
        pem = self.private_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                             serialization.NoEncryption())
        return (SigningKey.from_pem, (pem,))

    def __repr__(self) -> str:
        return f"<SigningKey {self.algorithm} kid={self.kid[:10]}…>"


class KeySet:
    """The keys an auth service publishes, one of which signs: rotation with overlapping ``kid``s.

    A new key is published before it signs (verifiers cache the key set; PyJWKClient keeps it
    ``lifespan`` seconds), and an old key is retired only after every token it signed has
    expired: until then both ``kid``s verify.
    """

    def __init__(self, keys: list[SigningKey] | None = None):
        self.keys = list(keys) if keys else [SigningKey()]
        self.signing = self.keys[-1]

    def add(self, key: SigningKey | None = None) -> SigningKey:
        """Publish a new key (ES256 unless given); it does not sign until ``use``."""
        key = key or SigningKey(algorithm=self.signing.algorithm)
        self.keys.append(key)
        return key

    def find(self, kid: Any) -> SigningKey:
        for key in self.keys:
            if key.kid == kid:
                return key
        raise UnknownKeyError(kid)

    def use(self, kid: str) -> SigningKey:
        """Sign with the published key ``kid`` from now on."""
        self.signing = self.find(kid)
        return self.signing

    def retire(self, kid: str) -> SigningKey:
        """Stop publishing ``kid``; tokens it signed no longer verify once verifiers refetch the set."""
        key = self.find(kid)
        if key is self.signing:
            raise ValueError(f"{kid} signs: use another key first")
        self.keys.remove(key)
        return key

    def jwks(self) -> dict:
        return {"keys": [key.public_jwk for key in self.keys]}

    def sign(self, payload: dict, headers: dict | None = None) -> str:
        return self.signing.sign(payload, headers)

    def key_of(self, token: str) -> SigningKey:
        """The published key named by the token's ``kid`` (not yet verified); UnknownKeyError otherwise."""
        try:
            kid = jwt.get_unverified_header(token).get("kid")
        except jwt.DecodeError:
            raise UnknownKeyError(None) from None
        return self.find(kid)
