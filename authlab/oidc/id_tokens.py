"""Validate an ID token as OpenID Connect Core 1.0 §3.1.3.7 says, with PyJWT and the provider's JWKS.

    claims = validate_id_token(token, jwks, issuer=op.url, client_id="course-app", nonce=expected)

Every check raises ``IdTokenError`` with a message that names it: the algorithm is pinned
(the token's ``alg`` header never chooses), the key is picked by ``kid`` from the JWKS, and
``iss``, ``aud`` (and ``azp``), ``exp``, ``iat`` and ``nonce`` are all required and compared.
"""

from __future__ import annotations

import hmac

import jwt

from authlab.errors import AuthlabError

ALGORITHMS = ("ES256", "RS256")
LEEWAY = 30  # seconds of clock skew tolerated on exp and iat


class IdTokenError(AuthlabError, ValueError):
    """The ID token failed one named check."""


def signing_key(id_token: str, jwks: dict, algorithms=ALGORITHMS):
    """The JWKS key this token names by ``kid``, if its algorithm is one we accept."""
    try:
        header = jwt.get_unverified_header(id_token)
    except jwt.DecodeError as error:
        raise IdTokenError(f"not a JWT: {error}") from None
    if header.get("alg") not in algorithms:
        raise IdTokenError(f"algorithm {header.get('alg')!r} is not one of {list(algorithms)}")
    try:
        keys = jwt.PyJWKSet.from_dict(jwks).keys
    except (jwt.PyJWKSetError, jwt.InvalidKeyError, TypeError) as error:
        raise IdTokenError(f"the provider's JWKS is unusable: {error}") from None
    for key in keys:
        if key.key_id == header.get("kid") and key.algorithm_name == header["alg"]:
            return key
    raise IdTokenError(f"no key with kid {header.get('kid')!r} and alg {header['alg']} in the provider's JWKS")


def validate_id_token(
    id_token, jwks: dict, *, issuer: str, client_id: str, nonce: str | None, algorithms=ALGORITHMS,
) -> dict:
    """The claims of a valid ID token; ``IdTokenError`` naming the failed check otherwise.

    ``nonce`` is the value this browser's login was started with; pass ``None`` only
    where none was sent. A token carrying a nonce we did not expect is refused too.
    """
    if not isinstance(id_token, str) or not id_token:
        raise IdTokenError("no ID token")
    key = signing_key(id_token, jwks, algorithms)
    try:
        claims = jwt.decode(
            id_token, key, algorithms=[key.algorithm_name], audience=client_id, issuer=issuer, leeway=LEEWAY,
            options={"require": ["iss", "sub", "aud", "exp", "iat"]},
        )
    except jwt.InvalidAudienceError:
        raise IdTokenError(f"aud is not this client ({client_id!r}): the token was issued to another app") from None
    except jwt.InvalidIssuerError:
        raise IdTokenError(f"iss is not {issuer!r}") from None
    except jwt.ExpiredSignatureError:
        raise IdTokenError("expired (exp is in the past)") from None
    except jwt.InvalidSignatureError:
        raise IdTokenError("bad signature") from None
    except jwt.PyJWTError as error:
        raise IdTokenError(str(error)) from None
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if len(audiences) > 1 and claims.get("azp") != client_id:
        raise IdTokenError("several audiences and azp is not this client")  # OIDC Core §3.1.3.7 items 4-5
    got = claims.get("nonce")
    if nonce is None:
        if got is not None:
            raise IdTokenError("a nonce this login did not send")
    elif not isinstance(got, str) or not hmac.compare_digest(got.encode(), nonce.encode()):
        raise IdTokenError("nonce does not match this login's: a replayed or injected token")
    return claims
