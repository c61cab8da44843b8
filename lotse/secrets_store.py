"""The server secret for pseudonyms: LOTSE_SECRET, or generated once and kept in the data folder.

Pseudonyms (e.g. the xAPI actor name) are HMACs keyed with this secret, so they must stay the
same across restarts: the generated secret is written once to ``<data folder>/secret.key``
(mode 0600) and read from there afterwards. Several processes starting at once agree on one
secret: the file appears atomically (hard link of a finished temp file) and whoever loses the
race reads the winner's file. A damaged file is an error, never silently replaced (a new
secret would give every learner a new pseudonym).
"""

from __future__ import annotations

import os
import re
import secrets
import stat
import tempfile
from pathlib import Path

from lotse.config import Settings

SECRET_FILE = "secret.key"
_HEX_SECRET = re.compile(r"^[0-9a-f]{32,}$")


class SecretError(RuntimeError):
    """The secret file exists but cannot be used; the message says what to do (German)."""


def server_secret(settings: Settings) -> str:
    """LOTSE_SECRET if set, otherwise the secret kept in the data folder (created on first use)."""
    if settings.secret:
        return settings.secret
    return load_or_create_secret(settings.data_dir / SECRET_FILE)


def load_or_create_secret(path: Path) -> str:
    if not path.exists():
        _create(path)
    try:
        text = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError) as err:
        raise SecretError(f"Die Schlüsseldatei {path} ist nicht lesbar ({err}). Bitte Rechte prüfen "
                          "oder LOTSE_SECRET setzen.") from err
    if not _HEX_SECRET.match(text):
        raise SecretError(f"Die Schlüsseldatei {path} ist beschädigt. Bitte aus der Sicherung "
                          "wiederherstellen oder LOTSE_SECRET setzen (ein neuer Schlüssel ändert "
                          "alle Pseudonyme).")
    _tighten(path)
    return text


def _create(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".secret-", suffix=".tmp")
    try:
        os.fchmod(handle, 0o600)
        with os.fdopen(handle, "w", encoding="ascii") as out:
            out.write(secrets.token_hex(32) + "\n")
            out.flush()
            os.fsync(out.fileno())
        try:
            os.link(temporary, path)  # fails if another process was first: then use its file
        except FileExistsError:
            pass
        except OSError:  # a file system without hard links
            _create_exclusive(path, Path(temporary).read_text(encoding="ascii"))
    finally:
        Path(temporary).unlink(missing_ok=True)


def _create_exclusive(path: Path, text: str) -> None:
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(handle, "w", encoding="ascii") as out:
        out.write(text)


def _tighten(path: Path) -> None:
    """Secret files readable by others are narrowed to the owner (best effort)."""
    try:
        if stat.S_IMODE(path.stat().st_mode) & 0o077:
            os.chmod(path, 0o600)
    except OSError:
        pass
