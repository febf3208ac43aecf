"""Attack helpers for lesson 06 and the attack battery. Use them only on servers you run yourself.

JWT (``jwt_attacks``): ``tamper_claims``, ``forge_unsigned``, ``crack_hs256``, ``forge_hs256``,
``alg_confusion_token``, ``kid_injection_token``, ``embedded_jwk_token``, ``expired_token``.
Where the key comes from (``key_sources``): ``jku_token``, ``recover_rsa_public_key``.
Sessions and cookies (``session_attacks``): ``probe_cookie_flags``, ``session_id_entropy``,
``clone_python_random``, ``ids_between``, ``crack_flask_session``, ``forge_flask_session``.
Against a running server (``probes``): ``Target``, ``serve_target``, ``replay_after_logout``, ``fixation_probe``,
``csrf_probe``, ``xss_probe``, ``token_theft_probe``. The battery (``battery``): ``run_attacks``.
Each helper's docstring names the CWE or CVE class it belongs to.
"""

from authlab.attacks.jwt_attacks import (
    DEV_NULL_KID,
    MalformedTokenError,
    alg_confusion_token,
    as_user,
    crack_hs256,
    embedded_jwk_token,
    expired_token,
    forge_hs256,
    forge_unsigned,
    kid_injection_token,
    not_yet_valid_token,
    public_key_pem,
    tamper_claims,
    unverified,
)
from authlab.attacks.key_sources import jku_token, recover_rsa_public_key
from authlab.attacks.probes import (
    Finding,
    Target,
    TargetError,
    csrf_probe,
    fixation_probe,
    replay_after_logout,
    serve_target,
    token_theft_probe,
    xss_probe,
)
from authlab.attacks.session_attacks import (
    CookieFlags,
    IdReport,
    clone_python_random,
    crack_flask_session,
    decode_flask_session,
    forge_flask_session,
    ids_between,
    probe_cookie_flags,
    session_id_entropy,
)

__all__ = [
    "DEV_NULL_KID",
    "CookieFlags",
    "Finding",
    "IdReport",
    "MalformedTokenError",
    "Target",
    "TargetError",
    "alg_confusion_token",
    "as_user",
    "clone_python_random",
    "crack_flask_session",
    "crack_hs256",
    "csrf_probe",
    "decode_flask_session",
    "embedded_jwk_token",
    "expired_token",
    "fixation_probe",
    "forge_flask_session",
    "forge_hs256",
    "forge_unsigned",
    "ids_between",
    "jku_token",
    "kid_injection_token",
    "not_yet_valid_token",
    "probe_cookie_flags",
    "public_key_pem",
    "recover_rsa_public_key",
    "replay_after_logout",
    "serve_target",
    "session_id_entropy",
    "tamper_claims",
    "token_theft_probe",
    "unverified",
    "xss_probe",
]
