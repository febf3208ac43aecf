"""The words every inspector answers in: a ``Status`` for a signature and ``Finding``s a reviewer would raise."""

from __future__ import annotations

import enum
from typing import NamedTuple

from authlab.inspect import _render as r

__all__ = ["MAX_INPUT_BYTES", "Finding", "Status"]

MAX_INPUT_BYTES = 64 * 1024  # tokens, keys and headers longer than this are refused unread


class Status(enum.StrEnum):
    VERIFIED = "VERIFIED"
    INVALID_SIGNATURE = "INVALID_SIGNATURE"
    CANNOT_VERIFY = "CANNOT_VERIFY"
    UNSECURED = "UNSECURED"
    MALFORMED = "MALFORMED"

    @property
    def colour(self) -> str:
        return {"VERIFIED": r.GOOD, "UNSECURED": r.NOTE, "CANNOT_VERIFY": r.NEUTRAL}.get(self.value, r.BAD)


class Finding(NamedTuple):
    """One thing a reviewer would point out: a stable ``code`` for tests and a sentence for people."""

    code: str
    message: str

    def __str__(self) -> str:
        return self.message
