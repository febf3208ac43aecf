"""Keys for the JWT inspector: read any form a learner pastes, refuse one that does not fit the ``alg``,
verify and sign.

An HMAC secret (str or bytes) for HS256/384/512; for RS*, PS*, ES* and EdDSA a public key as PEM text, a
JWK (dict or JSON text; a JWK Set picks the key by ``kid``), an SSH public key or a ``cryptography`` key
object. The key type must fit the alg before anything is verified: an RSA public key is never used as an
HMAC secret (the algorithm-confusion attack).
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import json
from typing import TYPE_CHECKING, Any

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa
from cryptography.hazmat.primitives.serialization import (
    load_pem_private_key,
    load_pem_public_key,
    load_ssh_public_key,
)
from jwt.algorithms import ECAlgorithm, HMACAlgorithm, OKPAlgorithm, RSAAlgorithm, get_default_algorithms
from jwt.exceptions import InvalidKeyError

from authlab.errors import AuthlabError
from authlab.inspect import _render as r
from authlab.inspect.verdicts import MAX_INPUT_BYTES, Status

if TYPE_CHECKING:
    from authlab.inspect.jwt import TokenInspection

__all__ = ["ALGORITHMS", "KEY_FORMS", "Key", "UnusableKeyError", "check_signature", "key_form", "key_text", "load_key",
           "read_key_text", "sign"]

ALGORITHMS = get_default_algorithms()
SIGNING_ALGS = sorted(alg for alg in ALGORITHMS if alg != "none")


class UnusableKeyError(AuthlabError, ValueError):
    """The key cannot be read, does not fit the token's algorithm, or cannot sign."""


@dataclasses.dataclass(frozen=True)
class Key:
    kty: str  # JWK key type: oct, RSA, EC, OKP
    material: Any  # bytes for oct, else a cryptography key object
    private: bool
    curve: str | None = None

    @property
    def public(self) -> Any:
        return self.material.public_key() if self.private and self.kty != "oct" else self.material

    @property
    def description(self) -> str:
        if self.kty == "oct":
            return f"{len(self.material)}-byte secret"
        size = getattr(self.material, "key_size", None)
        kind = {"RSA": f"RSA {size}-bit", "EC": f"EC {self.curve}", "OKP": self.curve}[self.kty]
        return f"{kind} {'private' if self.private else 'public'} key"


_CURVE_NAMES = {"secp256r1": "P-256", "secp384r1": "P-384", "secp521r1": "P-521", "secp256k1": "secp256k1"}
_ALG_CURVES = {"ES256": "P-256", "ES384": "P-384", "ES512": "P-521", "ES521": "P-521", "ES256K": "secp256k1"}
_KIND_NEEDED = {"oct": "the shared secret", "RSA": "an RSA public key", "EC": "an EC public key",
                "OKP": "an Ed25519 or Ed448 public key"}


def _needed_kty(alg: str) -> str:
    return {"HS": "oct", "RS": "RSA", "PS": "RSA", "ES": "EC", "Ed": "OKP"}[alg[:2]]


def load_key(key: Any, kid: Any = None) -> Key:
    if isinstance(key, dict):
        return _from_jwk(key, kid)
    if isinstance(key, str | bytes):
        raw = key.encode("utf-8") if isinstance(key, str) else key
        if len(raw) > MAX_INPUT_BYTES:
            raise UnusableKeyError(f"the key is {len(raw)} bytes; the inspector reads keys up to 64 KiB")
        if key_form(raw) == "hex":  # bytes that are not text cannot be PEM or a JWK: a raw secret, as given
            return Key("oct", raw, private=True)
        text = raw.strip()
        if text.startswith(b"{"):
            try:
                return _from_jwk(json.loads(text), kid)
            except (ValueError, RecursionError):
                raise UnusableKeyError("the key starts with '{' but is not valid JSON, so it is not a JWK") from None
        if b"-----BEGIN" in text:
            return _from_pem(text)
        if text.startswith((b"ssh-", b"ecdsa-sha2-")):
            try:
                return _from_object(load_ssh_public_key(text))
            except (ValueError, TypeError) as error:
                raise UnusableKeyError(f"the SSH public key cannot be read ({error})") from None
        return Key("oct", raw, private=True)
    return _from_object(key)


def _from_jwk(jwk: dict, kid: Any) -> Key:
    if isinstance(jwk.get("keys"), list):
        matches = [k for k in jwk["keys"] if isinstance(k, dict) and (kid is None or k.get("kid") == kid)]
        if len(matches) != 1:
            raise UnusableKeyError(f"the JWK Set has {len(matches)} keys matching kid {r.shorten(repr(kid), 40)}; "
                                   "pass one key")
        jwk = matches[0]
    readers = {"oct": HMACAlgorithm, "RSA": RSAAlgorithm, "EC": ECAlgorithm, "OKP": OKPAlgorithm}
    reader = readers.get(jwk.get("kty"))
    if reader is None:
        raise UnusableKeyError(f"the JWK has kty {jwk.get('kty')!r}; expected one of {', '.join(readers)}")
    try:
        material = reader.from_jwk(jwk)
    except (InvalidKeyError, KeyError, ValueError, TypeError) as error:
        raise UnusableKeyError(f"the {jwk['kty']} JWK cannot be read ({error or type(error).__name__})") from None
    return Key("oct", material, private=True) if jwk["kty"] == "oct" else _from_object(material)


def _from_pem(text: bytes) -> Key:
    for load in (load_pem_public_key, lambda data: x509.load_pem_x509_certificate(data).public_key()):
        try:
            return _from_object(load(text))
        except ValueError:
            pass
    try:
        return _from_object(load_pem_private_key(text, password=None))
    except TypeError:
        raise UnusableKeyError("the private key is encrypted with a password; paste the public key instead") from None
    except ValueError:
        raise UnusableKeyError("the PEM text cannot be read: is it complete, from -----BEGIN to -----END?") from None


def _from_object(key: Any) -> Key:
    if isinstance(key, rsa.RSAPrivateKey | rsa.RSAPublicKey):
        return Key("RSA", key, isinstance(key, rsa.RSAPrivateKey))
    if isinstance(key, ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey):
        curve = _CURVE_NAMES.get(key.curve.name, key.curve.name)
        return Key("EC", key, isinstance(key, ec.EllipticCurvePrivateKey), curve)
    for curve, module in (("Ed25519", ed25519), ("Ed448", ed448)):
        private, public = getattr(module, f"{curve}PrivateKey"), getattr(module, f"{curve}PublicKey")
        if isinstance(key, private | public):
            return Key("OKP", key, isinstance(key, private), curve)
    raise UnusableKeyError(f"a key must be a secret (str or bytes), PEM text, a JWK or a cryptography key, "
                           f"not {type(key).__name__}")


def _fit(alg: str, key: Key) -> None:
    """Refuse a key whose type does not belong to ``alg`` (the algorithm-confusion defence)."""
    needed = _needed_kty(alg)
    if key.kty != needed:
        if needed == "oct":
            raise UnusableKeyError(f"{alg} needs the shared secret, but the key is an {key.description}; using a "
                                   f"public key as an HMAC secret is the algorithm-confusion attack, so it is refused")
        raise UnusableKeyError(f"{alg} needs {_KIND_NEEDED[needed]}, but the key is a "
                               f"{'secret string' if key.kty == 'oct' else key.description}")
    if needed == "EC" and key.curve != _ALG_CURVES[alg]:
        raise UnusableKeyError(f"{alg} needs a key on curve {_ALG_CURVES[alg]}, but the key is on {key.curve}")


def check_signature(report: TokenInspection, key: Any) -> tuple[Status, str]:
    alg = report.alg
    if alg.lower() == "none":
        return Status.UNSECURED, ("unsecured token: alg is 'none', so there is no signature and anyone could have "
                                  "written it; a verifier must reject it")
    if alg not in ALGORITHMS:
        return Status.CANNOT_VERIFY, f"cannot verify: alg {r.shorten(repr(alg), 40)} is not a JWS signature " \
                                     f"algorithm ({', '.join(SIGNING_ALGS)})"
    if key is None or (isinstance(key, str | bytes) and not key):
        needed = "shared secret" if alg.startswith("HS") else "public key"
        return Status.CANNOT_VERIFY, f"cannot verify: no key given; pass the {needed} to check this {alg} signature"
    try:
        loaded = load_key(key, report.header.get("kid"))
        _fit(alg, loaded)
        algorithm = ALGORITHMS[alg]
        valid = algorithm.verify(report.signing_input, algorithm.prepare_key(loaded.public), report.signature)
    except UnusableKeyError as problem:
        return Status.CANNOT_VERIFY, f"cannot verify: {problem}"
    except (InvalidKeyError, ValueError, TypeError) as error:
        return Status.CANNOT_VERIFY, f"cannot verify: the key was refused ({error})"
    expiry = "; but the token has expired, so a verifier must still reject it" if report.expired else ""
    if valid:
        return Status.VERIFIED, f"signature verified: {alg} with the given {loaded.description}{expiry}"
    if not report.signature:
        return Status.INVALID_SIGNATURE, "invalid signature: the signature part is empty (was it stripped?)"
    return Status.INVALID_SIGNATURE, (f"invalid signature: the {alg} signature does not match this header and payload "
                                      f"under the given {loaded.description} (edited token, or the wrong key)")


def sign(alg: str, signing_input: bytes, key: Any) -> tuple[bytes, Any]:
    """The signature, and the key that verifies it (the public half of a private key)."""
    if alg.lower() == "none":
        if key is not None:
            raise UnusableKeyError("alg 'none' takes no key; leave the key out to build an unsecured token")
        return b"", None
    if alg not in ALGORITHMS:
        raise UnusableKeyError(f"unknown alg {alg!r}; choose one of {', '.join(SIGNING_ALGS)}")
    if key is None or (isinstance(key, str | bytes) and not key):
        needed = "the shared secret" if alg.startswith("HS") else "the private key"
        raise UnusableKeyError(f"{alg} needs {needed} to sign; pass key=...")
    loaded = load_key(key)
    _fit(alg, loaded)
    if not loaded.private:
        raise UnusableKeyError(f"{alg} signs with the private key; this {loaded.description} can only verify")
    algorithm = ALGORITHMS[alg]
    try:
        signature = algorithm.sign(signing_input, algorithm.prepare_key(loaded.material))
    except (InvalidKeyError, ValueError, TypeError) as error:
        raise UnusableKeyError(f"the key cannot sign {alg} ({error})") from None
    return signature, loaded.material if loaded.kty == "oct" else loaded.public


KEY_FORMS = ("text", "hex", "base64")  # how the widget's Key box shows a key


def key_form(key: Any) -> str:
    """The form that shows ``key`` losslessly: text, unless it is bytes that are not printable UTF-8 (hex)."""
    if not isinstance(key, bytes):
        return "text"
    try:
        text = key.decode("utf-8")
    except UnicodeDecodeError:
        return "hex"
    return "text" if all(char.isprintable() or char in "\r\n\t" for char in text) else "hex"


def key_text(key: Any, form: str = "text") -> str:
    """A key as the text a learner would paste (for the widget); ``hex`` and ``base64`` show its bytes."""
    if form != "text":
        raw = key if isinstance(key, bytes) else key_text(key).encode("utf-8")
        return raw.hex() if form == "hex" else base64.b64encode(raw).decode("ascii")
    if isinstance(key, bytes):
        return key.decode("utf-8", "replace")  # lossy: the widget shows such bytes as hex (key_form)
    if isinstance(key, dict):
        return json.dumps(key)
    if isinstance(key, str):
        return key
    if key is None:
        return ""
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    try:
        return load_key(key).public.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode()
    except (UnusableKeyError, AttributeError, ValueError):
        return ""


def read_key_text(text: str, form: str) -> str | bytes:
    """The key typed in ``form``: text as it is; hex, or base64 (standard or URL-safe, padding optional), as bytes."""
    if form == "text":
        return text
    compact = "".join(text.split())
    try:
        if form == "hex":
            return bytes.fromhex(compact)
        standard = compact.replace("-", "+").replace("_", "/")
        return base64.b64decode(standard + "=" * (-len(standard) % 4), validate=True)
    except (ValueError, binascii.Error):
        raise UnusableKeyError(f"the Key box does not hold valid {form}") from None
