"""Session IDs an attacker can compute: hashes of what can be enumerated, raw output of Python's ``random``.

A hash looks random and is not: ``sha256(str(counter))`` has as many possible values as the
counter. For IDs seen in ``Set-Cookie``, ``hash_behind`` tries md5, sha1, sha256 and sha512 (as
hex, base64url or base64) of the inputs it is given; ``guessable_inputs`` lists them: counters
0..100 000 (as text and as 8-byte integers), the wall-clock time around the logins (whole seconds
and milliseconds, and datetime's text forms at second resolution), and the username. About
0.1 s of hashing per digest size the IDs could have (measured: 300 000 sha256 in 0.12 s).

A Mersenne Twister, even a private ``random.Random()`` seeded from the OS, gives its whole state
away in 624 outputs of 32 bits; ``twister_readings`` says how IDs could be such output
(``getrandbits`` as hex or decimal, ``randbytes`` as hex or base64url), so that the check can
collect enough of them and clone the generator with ``authlab.attacks.clone_python_random``
(the attack lesson 01 writes out in a cell, and lesson 06 calls).
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import datetime
import hashlib
import math
from collections.abc import Callable, Iterable, Iterator

from authlab.attacks.session_attacks import clone_python_random

ALGORITHMS = ("md5", "sha1", "sha256", "sha512")
COUNTERS = 100_000
TWISTER_WORDS = 624  # 32-bit outputs that fix a Mersenne Twister's state
# (what an input is, e.g. "a counter"; how to show one in Python; the inputs themselves)
Inputs = Iterable[tuple[str, Callable[[bytes], str], Iterable[bytes]]]
ENCODINGS = ("hex", "base64url", "base64")


def _decoded(value: str, encoding: str) -> bytes | None:
    """The bytes ``value`` encodes in ``encoding`` (one of ENCODINGS), or None."""
    try:
        if encoding == "hex":
            return bytes.fromhex(value)
        decode = base64.urlsafe_b64decode if encoding == "base64url" else base64.standard_b64decode
        data = decode(value + "=" * (-len(value) % 4))
    except (ValueError, binascii.Error):
        return None
    encode = base64.urlsafe_b64encode if encoding == "base64url" else base64.standard_b64encode
    return data if encode(data).decode().rstrip("=") == value.rstrip("=") else None


def _decodings(value: str) -> dict[bytes, str]:
    """The bytes ``value`` may encode, each with the encoding's name."""
    found: dict[bytes, str] = {}
    for encoding in ENCODINGS:
        data = _decoded(value, encoding)
        if data is not None:
            found.setdefault(data, encoding)
    return found


def _date_texts(second: int) -> Iterator[bytes]:
    """datetime's text forms of one whole second, local and UTC: str(), isoformat(), ctime()."""
    for moment in (datetime.datetime.fromtimestamp(second),
                   datetime.datetime.fromtimestamp(second, datetime.UTC)):
        for text in {str(moment), moment.isoformat(), moment.replace(tzinfo=None).isoformat(), moment.ctime()}:
            yield text.encode()


def _text(data: bytes) -> str:
    return repr(data.decode())


def _integer(order: str) -> Callable[[bytes], str]:
    return lambda data: f"({int.from_bytes(data, order)}).to_bytes(8, {order!r})"


def guessable_inputs(start: float, end: float, username: str) -> Inputs:
    """What IDs made between ``start`` and ``end`` (wall-clock seconds) for ``username`` may be a hash of."""
    counters = range(COUNTERS + 1)
    seconds = range(int(start) - 1, int(end) + 2)
    return [
        ("a counter", _text, [str(number).encode() for number in counters]),
        ("a counter", _integer("big"), [number.to_bytes(8, "big") for number in counters]),
        ("a counter", _integer("little"), [number.to_bytes(8, "little") for number in counters]),
        ("the time of the login in seconds", _text, [str(second).encode() for second in seconds]),
        ("the time of the login in milliseconds", _text,
         [str(milli).encode() for milli in range(int(start * 1000) - 1000, int(end * 1000) + 1001)]),
        ("the time of the login as text", _text, [text for second in seconds for text in _date_texts(second)]),
        ("the username", _text, [username.encode()]),
    ]


def frozen_inputs(frozen: float) -> Inputs:
    """The readings of a wall clock stopped at ``frozen``, as a forked copy of the app saw it."""
    texts = {str(frozen), repr(frozen), str(int(frozen)), str(int(frozen * 1000)), str(int(frozen * 1e6)),
             str(int(frozen * 1e9))}
    for moment in (datetime.datetime.fromtimestamp(frozen), datetime.datetime.fromtimestamp(frozen, datetime.UTC)):
        texts |= {str(moment), moment.isoformat(), str(moment.replace(tzinfo=None)), moment.ctime()}
    return [("the time of the login", _text, [text.encode() for text in sorted(texts)])]


def hash_behind(ids: Iterable[str], inputs: Inputs) -> str | None:
    """``"sha256('17') (a counter), as hex"`` when one of ``ids`` is such a hash of one of ``inputs``, else None."""
    digests: dict[bytes, str] = {}
    for value in ids:
        for data, encoding in _decodings(value).items():
            digests.setdefault(data, encoding)
    sizes = {len(data) for data in digests}
    hashes = [(name, getattr(hashlib, name)) for name in ALGORITHMS if getattr(hashlib, name)().digest_size in sizes]
    if not hashes:
        return None
    for what, shown, candidates in inputs:
        candidates = list(candidates)
        for name, function in hashes:
            for data in candidates:
                digest = function(data).digest()
                if digest in digests:
                    return f"{name}({shown(data)}) ({what}), as {digests[digest]}"
    return None


@dataclasses.dataclass(frozen=True)
class Reading:
    """IDs read as raw Mersenne Twister output: ``number(id)`` is what ``getrandbits(bits)`` returned."""

    how: str
    bits: int
    number: Callable[[str], int]

    @property
    def ids_needed(self) -> int:
        """Consecutive IDs that hold the generator's whole state, plus the one to predict."""
        return math.ceil(TWISTER_WORDS / (self.bits // 32)) + 1

    def predicts(self, ids: list[str]) -> bool:
        """Does a twister cloned from all of ``ids`` but the last one produce the last one next?"""
        try:
            numbers = [self.number(value) for value in ids]
        except (TypeError, ValueError):  # a later ID in another format: not this reading's output
            return False
        clone = clone_python_random([f"{number:x}" for number in numbers[:-1]], self.bits)
        return clone.getrandbits(self.bits) == numbers[-1]


def _whole_words(bits: int) -> int:
    return 32 * math.ceil(bits / 32)


def twister_readings(ids: list[str]) -> list[Reading]:
    """The ways ``ids`` could be raw output of ``getrandbits`` or ``randbytes`` (none: they cannot be)."""
    found = []
    if all(value.isdigit() for value in ids):
        found.append(Reading("str(getrandbits(...))", _whole_words(max(int(value).bit_length() for value in ids)),
                             int))
    if all(_decoded(value, "hex") is not None for value in ids):
        found.append(Reading("getrandbits(...) as hex", _whole_words(4 * max(map(len, ids))),
                             lambda value: int(value, 16)))
    for encoding in ENCODINGS:
        sizes = {len(data) if (data := _decoded(value, encoding)) is not None else -1 for value in ids}
        if len(sizes) != 1 or (size := sizes.pop()) <= 0 or size % 4:
            continue
        orders = {"little": f"randbytes({size})", "big": f"getrandbits({8 * size}).to_bytes(big)"}
        for order, how in orders.items():
            if encoding == "hex" and order == "big":
                continue  # the same as getrandbits(...) as hex
            found.append(Reading(f"{how} as {encoding}", 8 * size,
                                 lambda value, encoding=encoding, order=order:
                                 int.from_bytes(_decoded(value, encoding), order)))
    return [reading for reading in found if reading.bits]
