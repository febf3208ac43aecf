"""``authlab attack``: run the lesson 06 attack battery against a server you run.

    authlab attack http://127.0.0.1:5001 --kind session
    authlab attack http://127.0.0.1:5002 --kind jwt-header --username bob --password '...'
    authlab attack --course     # every course server and every vulnerable demo, in this process
    authlab attack --list

Exit status: 0 every attack refused, 1 an attack succeeded, 2 the server could not be attacked.
"""

from __future__ import annotations

import argparse
import sys
import urllib.parse
from pathlib import Path

from cryptography.hazmat.primitives import serialization

from authlab.attacks.battery import course_battery, format_report, run_attacks, summary
from authlab.attacks.catalog import ATTACKS, ATTACKS_BY_ID
from authlab.attacks.probes import KINDS, Target, TargetError
from authlab.users import DEMO_USERS


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="authlab attack", description=__doc__.split("\n\n")[0],
                                     epilog="Only attack servers you run yourself, on your own machine.")
    parser.add_argument("url", nargs="?", help="base URL of a server on this machine, e.g. http://127.0.0.1:5001")
    parser.add_argument("--kind", choices=KINDS, help="how the server carries the login")
    parser.add_argument("--username", default="alice")
    parser.add_argument("--password", help="default: the course's demo password for --username")
    parser.add_argument("--public-key", type=Path, metavar="PEM",
                        help="the server's public key (EC or RSA), for algorithm confusion")
    key = parser.add_mutually_exclusive_group()
    key.add_argument("--hmac-secret", help="the server's HMAC key, to mint a long-expired token (expiry attack)")
    key.add_argument("--private-key", type=Path, metavar="PEM", help="the server's private key, for the same")
    parser.add_argument("--only", action="append", choices=sorted(ATTACKS_BY_ID), metavar="ATTACK", default=[],
                        help="run only this attack (repeatable)")
    parser.add_argument("--skip", action="append", choices=sorted(ATTACKS_BY_ID), metavar="ATTACK", default=[],
                        help="leave this attack out (repeatable)")
    parser.add_argument("--course", action="store_true", help="attack every course server and vulnerable demo")
    parser.add_argument("--list", action="store_true", help="list the attacks and their advisory classes")
    return parser


def _list() -> int:
    for attack in ATTACKS:
        print(f"{attack.number:>2} {attack.id:<20} {attack.title} [{attack.advisory}] ({', '.join(attack.kinds)})")
    return 0


def _course() -> int:
    print("Attacking the course's reference servers, the lab solutions and the vulnerable demos…")
    result = course_battery()
    print(format_report(result.secure), "\n")
    print(format_report(result.demos), "\n")
    for problem in result.not_loaded:
        print(f"lab solution not attacked: {problem}")
    print(f"course servers and lab solutions: {summary(result.secure)}")
    print(f"vulnerable demos:                 {summary(result.demos)}")
    print("every course server held and every demo fell" if result.ok else "BATTERY FAILED")
    return 0 if result.ok else 1


def _read_key(path: Path, private: bool):
    try:
        data = path.read_bytes()
        return serialization.load_pem_private_key(data, password=None) if private else data
    except (OSError, ValueError) as error:
        raise TargetError(f"cannot use {path} as a PEM key: {error}") from None


def _target(options) -> Target:
    host = urllib.parse.urlsplit(options.url).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise TargetError(f"{options.url} is not on this machine; attack only your own loopback servers")
    if options.password is None and options.username not in DEMO_USERS:
        raise TargetError(f"no demo password for {options.username!r}: pass --password")
    signing_key = options.hmac_secret.encode() if options.hmac_secret else None
    if options.private_key:
        signing_key = _read_key(options.private_key, private=True)
    public_key = _read_key(options.public_key, private=False) if options.public_key else None
    return Target(options.url, options.kind, options.username, options.password, public_key=public_key,
                  signing_key=signing_key, skip={attack: "left out (--skip)" for attack in options.skip})


def main(argv: list[str]) -> int:
    options = _parser().parse_args(argv)
    if options.list:
        return _list()
    if options.course:
        return _course()
    if not options.url or not options.kind:
        _parser().error("give a URL and --kind (or --course, or --list)")
    attacks = tuple(ATTACKS_BY_ID[attack] for attack in options.only) or ATTACKS
    try:
        target = _target(options)
        target.observed()
    except TargetError as error:
        print(f"authlab attack: {error}", file=sys.stderr)
        return 2
    outcomes = run_attacks(target, attacks)
    print(format_report(outcomes))
    print(summary(outcomes))
    if any(o.verdict == "succeeded" for o in outcomes):
        return 1
    return 2 if any(o.verdict == "error" for o in outcomes) else 0
