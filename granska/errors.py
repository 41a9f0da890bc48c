"""Every error Granska raises on purpose. The CLI turns these into one line and a non-zero exit."""

from __future__ import annotations


class GranskaError(Exception):
    """Base class: the message is shown to the user as is."""


class UnreadableFileError(GranskaError):
    """A file that cannot be ingested; the message names the file and the reason."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"cannot read {path}: {reason}")
        self.path = path
        self.reason = reason


class IndexMissingError(GranskaError):
    pass


class IndexMismatchError(GranskaError):
    """The index on disk was built with other settings than the ones in force."""


class UnknownDocumentError(GranskaError):
    pass


class BadRequestError(GranskaError):
    """Invalid input from a user or a client (bad filter, bad JSON line)."""
