"""Fleets of servers to attack, each a context manager that serves them on loopback and stops them after:

    course_servers()          the course's secure reference servers (every attack must be refused)
    vulnerable_servers()      each deliberately vulnerable server, paired with the attack it must fall to
    solution_servers(folder)  the solved labs that have a login to attack
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import ec, rsa
from flask import Flask

from authlab.apps import jwt_cookie_app, jwt_header_app, session_app
from authlab.attacks.catalog import ATTACKS_BY_ID, Attack
from authlab.attacks.probes import Target
from authlab.attacks.solutions import LAB_KINDS, SolutionLoadError, load_solution_app
from authlab.server import serve
from authlab.stores import MemoryStore
from authlab.users import Users
from authlab.vulnerable import (
    alg_confusion_app,
    alg_none_app,
    client_side_logout_app,
    csrf_app,
    embedded_jwk_app,
    fixation_app,
    flask_session_app,
    jku_app,
    kid_traversal_app,
    no_expiry_app,
    predictable_session_app,
    unverified_signature_app,
    weak_secret_app,
    xss_app,
)
from authlab.webapp import STATE_KEY

__all__ = ["course_servers", "solution_servers", "vulnerable_servers"]


@contextlib.contextmanager
def _serving(apps: list[tuple[Flask, str, dict]]) -> Iterator[list[Target]]:
    """Serve each ``(app, kind, target options)`` on loopback, named after the app; stop them all afterwards."""
    servers = []
    try:
        targets = []
        for app, kind, options in apps:
            servers.append(serve(app, name=f"battery-{app.name}", show=False))
            state = app.extensions.get(STATE_KEY)  # the course's apps expose their keys; a lab's app does not
            keys = {"public_key": state.verifying_key if state.algorithm not in (None, "HS256") else None,
                    "signing_key": state.signing_key} if state else {}
            targets.append(Target(servers[-1].url, kind, name=app.name, **{**keys, **options}))
        yield targets
    finally:
        for server in servers:
            server.stop()


@contextlib.contextmanager
def course_servers(users: Users | None = None) -> Iterator[list[Target]]:
    """Start the course's reference servers: sessions; JWT in a header and in a cookie, HS256 and ES256,
    and one RS256 server (the algorithm OpenID Connect requires) for the attacks on RSA keys."""
    users = users or Users()
    key = ec.generate_private_key(ec.SECP256R1())
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    stateless = {"skip": {"logout-replay": "stateless by design: logout cannot revoke, the 15-minute expiry bounds "
                                           "a copied token (lesson 04); the denylist variant revokes"}}
    apps = [
        (session_app(users=users), "session", {}),
        (jwt_header_app(users=users, denylist=MemoryStore(), name="jwt-header-app-hs256"), "jwt-header", {}),
        (jwt_header_app(key, users, denylist=MemoryStore(), name="jwt-header-app-es256"), "jwt-header", {}),
        (jwt_header_app(users=users, name="jwt-header-app-hs256-stateless"), "jwt-header", stateless),
        (jwt_header_app(key, users, name="jwt-header-app-es256-stateless"), "jwt-header", stateless),
        (jwt_header_app(rsa_key, users, denylist=MemoryStore(), name="jwt-header-app-rs256"), "jwt-header", {}),
        (jwt_cookie_app(users=users, name="jwt-cookie-app-hs256"), "jwt-cookie", {}),
        (jwt_cookie_app(key, users, name="jwt-cookie-app-es256"), "jwt-cookie", {}),
    ]
    with _serving(apps) as targets:
        yield targets


def _hidden_key_app(users: Users) -> Flask:
    # 1024 bits keeps the recovery to seconds (its integers have e * key-size bits); the attack is the same at 2048
    key = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    return alg_confusion_app(key, users, publish_key=False)


# attack -> the vulnerable server(s) it must break, and how they carry the login
_DEMOS = (
    ("jwt-unverified", unverified_signature_app, "jwt-header"),
    ("jwt-alg-none", alg_none_app, "jwt-header"),
    ("jwt-weak-secret", weak_secret_app, "jwt-header"),
    ("jwt-alg-confusion", alg_confusion_app, "jwt-header"),
    ("jwt-hidden-key-confusion", _hidden_key_app, "jwt-header"),
    ("jwt-kid-injection", kid_traversal_app, "jwt-header"),
    ("jwt-embedded-jwk", embedded_jwk_app, "jwt-header"),
    ("jwt-jku", jku_app, "jwt-header"),
    ("jwt-expired", no_expiry_app, "jwt-header"),
    *(("session-predictable", functools.partial(predictable_session_app, scheme), "session")
      for scheme in ("counter", "time", "random")),
    ("session-fixation", fixation_app, "session"),
    ("flask-weak-secret", flask_session_app, "session"),
    ("logout-replay", client_side_logout_app, "session"),
    ("csrf", csrf_app, "session"),
    ("xss-token-theft", xss_app, "jwt-cookie"),
)


@contextlib.contextmanager
def vulnerable_servers(users: Users | None = None) -> Iterator[list[tuple[Target, Attack]]]:
    """Start every deliberately vulnerable server, each paired with the attack it must fall to."""
    users = users or Users()
    # The attacker is not handed any key: the demos that need one must get it the attacker's way.
    unknown = {"public_key": None}
    with _serving([(factory(users=users), kind, unknown) for _, factory, kind in _DEMOS]) as targets:
        yield [(target, ATTACKS_BY_ID[attack_id]) for target, (attack_id, _, _) in zip(targets, _DEMOS, strict=True)]


@contextlib.contextmanager
def solution_servers(folder: Path) -> Iterator[tuple[list[Target], list[str]]]:
    """Serve every solved lab that has a login to attack; also say which could not be loaded, and why."""
    apps, problems = [], []
    for stem, kind in LAB_KINDS.items():
        path = folder / f"{stem}.ipynb"
        if not path.is_file():
            continue
        try:
            apps.append((load_solution_app(path), kind, {}))
        except SolutionLoadError as error:
            problems.append(str(error))
    with _serving(apps) as targets:
        yield targets, problems
