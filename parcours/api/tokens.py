"""The shape of personal access tokens: how one is made, read back and hashed.

A token reads `pcs_<prefix>_<secret>`. The prefix is public and finds the row; the
secret is never stored, only the SHA-256 of the whole token. SHA-256 without a salt
is enough here (unlike passwords): the secret carries 256 random bits, so there is
nothing to guess from a dictionary.
"""

import hashlib
import secrets
from typing import NamedTuple

TOKEN_SCHEME = "pcs"
PREFIX_BYTES = 6
SECRET_BYTES = 32


class TokenParts(NamedTuple):
    prefix: str
    secret: str


def new_token() -> tuple[str, str]:
    """A fresh (prefix, raw token) pair."""
    # Hex for the prefix: it must not contain the "_" that separates the parts.
    prefix = secrets.token_hex(PREFIX_BYTES)
    return prefix, f"{TOKEN_SCHEME}_{prefix}_{secrets.token_urlsafe(SECRET_BYTES)}"


def split_token(raw: str) -> TokenParts | None:
    """The parts of a well-formed token, or None for anything else."""
    # The secret is url-safe base64 and may itself contain "_": split twice only.
    parts = raw.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_SCHEME or not parts[1] or not parts[2]:
        return None
    return TokenParts(prefix=parts[1], secret=parts[2])


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.strip().encode()).hexdigest()
