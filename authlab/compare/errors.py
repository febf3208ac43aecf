"""The one exception the comparison raises: its message is a single line fit for a terminal."""

from authlab.errors import AuthlabError


class CompareError(AuthlabError):
    """A measurement could not be made (server unreachable, login refused, bad setting)."""
