"""One base class for the errors authlab raises on purpose, so a learner can catch them all.

    try:
        ...
    except authlab.AuthlabError as error:
        print(error)        # a sentence saying what went wrong and what to do

Each specific class also keeps the builtin it always was (``ValueError``, ``RuntimeError``,
``OSError``), so ``except ValueError`` around a token parse still works.
"""


class AuthlabError(Exception):
    """Base of every error authlab raises on purpose; the message says what to do."""
