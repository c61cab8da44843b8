"""Settings from environment variables, read in one place; every setting has a safe default."""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from pathlib import Path

from progress.store import sqlite_path, sqlite_url

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# Links in the browser (invites, certificate checks) use the browser's own address while
# LOTSE_BASE_URL keeps this default; xAPI ids and the command line use the setting as it is.
DEFAULT_BASE_URL = "http://localhost:8501"


def _flag(value: str) -> bool:
    return value.strip().lower() in ("1", "true", "yes", "on", "ja")


@dataclass(frozen=True)
class Setting:
    env: str
    default: str
    help: str


SETTINGS = (
    Setting("LOTSE_DATA_DIR", "data", "Folder for the database and generated files (created on first start)."),
    Setting("LOTSE_DATABASE_URL", "", "The database: sqlite:///path/to/file.db or postgresql://user@host/db; default: the SQLite file LOTSE_DB_PATH."),
    Setting("LOTSE_DB_PATH", "", "SQLite database file; default: lotse.db in the data folder."),
    Setting("LOTSE_CONTENT_DIR", str(PROJECT_ROOT), "Folder holding lessons/ and quizzes/."),
    Setting("LOTSE_CONTENT_VERSIONS", "", "Folder for earlier versions of quizzes changed in the browser (imports, restores) and who changed them; default: quizzes/.versions in the content folder."),
    Setting("LOTSE_DEMO", "0", "1 = create demo trainer, cohort and learners on start and show their sign-in data."),
    Setting("LOTSE_OPEN_SIGNUP", "1", "1 = anyone may sign up for self-study; 0 = only through a cohort invite link."),
    Setting("LOTSE_SESSION_IDLE_MINUTES", "120", "Sign-in sessions end after this many minutes without activity."),
    Setting("LOTSE_SESSION_MAX_DAYS", "14", "Sign-in sessions end after this many days in any case."),
    Setting("LOTSE_BASE_URL", DEFAULT_BASE_URL, "Public address of the app (xAPI ids, invite and certificate links; while unset, links shown in the browser use its address)."),
    Setting("LOTSE_SECRET", "", "Secret for pseudonyms; default: generated once and kept in the data folder (secret.key)."),
    Setting("LOTSE_CONTACT", "barrierefreiheit@example.org", "Contact for accessibility and privacy feedback, shown in the app."),
    Setting("LOTSE_TRAINER_VIEW", "lernstand", "What trainers see per person: gruppe (group figures only), lernstand (progress and results per person) or antworten (also every answer)."),
    Setting("LOTSE_TRAINER_READING_TIME", "gruppe", "Reading time: gruppe (group medians only) or person (per person, within LOTSE_TRAINER_VIEW lernstand or antworten)."),
    Setting("LOTSE_TRAINER_ACTIVITY", "gruppe", "Activity timestamps (last active, attempt dates): gruppe (group figures only) or person (per person)."),
    Setting("LOTSE_MIN_GROUP_SIZE", "5", "Group figures computed from fewer people than this are withheld."),
    Setting("LOTSE_RETENTION_MONTHS", "12", "Months after a cohort ends until `lotse retention run` removes its members' personal learning data from the trainer's reach."),
    Setting("LOTSE_XAPI_BASE_IRI", "", "Base IRI of xAPI activity ids and actor accounts; default: LOTSE_BASE_URL + /xapi."),
    Setting("LOTSE_LRS_URL", "", "xAPI learning record store endpoint (optional)."),
    Setting("LOTSE_LRS_USER", "", "LRS user name (Basic auth)."),
    Setting("LOTSE_LRS_PASSWORD", "", "LRS password (Basic auth)."),
    Setting("LOTSE_TRUSTED_PROXIES", "", "Reverse proxies whose X-Forwarded-For is believed for sign-in throttling (comma-separated addresses or networks, e.g. 127.0.0.1 behind nginx on the same machine); default: none."),
)


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    db_path: Path
    content_dir: Path
    content_versions: Path
    demo: bool
    open_signup: bool
    session_idle_minutes: int
    session_max_days: int
    base_url: str
    secret: str
    contact: str
    trainer_view: str
    trainer_reading_time: str
    trainer_activity: str
    min_group_size: int
    retention_months: int
    xapi_base_iri: str
    lrs_url: str
    lrs_user: str
    lrs_password: str
    trusted_proxies: str


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """Build Settings from ``environ`` (default: os.environ)."""
    env = dict(os.environ if environ is None else environ)
    value = {s.env: env.get(s.env, "").strip() or s.default for s in SETTINGS}
    data_dir = Path(value["LOTSE_DATA_DIR"]).expanduser()
    if not data_dir.is_absolute():
        data_dir = PROJECT_ROOT / data_dir
    db_path = Path(value["LOTSE_DB_PATH"]).expanduser() if value["LOTSE_DB_PATH"] else data_dir / "lotse.db"
    database_url = value["LOTSE_DATABASE_URL"] or sqlite_url(db_path)
    db_path = sqlite_path(database_url) or db_path
    return Settings(
        data_dir=data_dir,
        database_url=database_url,
        db_path=db_path,
        content_dir=Path(value["LOTSE_CONTENT_DIR"]).expanduser(),
        content_versions=(Path(value["LOTSE_CONTENT_VERSIONS"]).expanduser() if value["LOTSE_CONTENT_VERSIONS"]
                          else Path(value["LOTSE_CONTENT_DIR"]).expanduser() / "quizzes" / ".versions"),
        demo=_flag(value["LOTSE_DEMO"]),
        open_signup=_flag(value["LOTSE_OPEN_SIGNUP"]),
        session_idle_minutes=_positive_int(value["LOTSE_SESSION_IDLE_MINUTES"], 120),
        session_max_days=_positive_int(value["LOTSE_SESSION_MAX_DAYS"], 14),
        base_url=value["LOTSE_BASE_URL"].rstrip("/"),
        secret=value["LOTSE_SECRET"],
        contact=value["LOTSE_CONTACT"],
        trainer_view=_choice(value["LOTSE_TRAINER_VIEW"], ("gruppe", "lernstand", "antworten"), "gruppe"),
        trainer_reading_time=_choice(value["LOTSE_TRAINER_READING_TIME"], ("gruppe", "person"), "gruppe"),
        trainer_activity=_choice(value["LOTSE_TRAINER_ACTIVITY"], ("gruppe", "person"), "gruppe"),
        min_group_size=_positive_int(value["LOTSE_MIN_GROUP_SIZE"], 5),
        retention_months=_positive_int(value["LOTSE_RETENTION_MONTHS"], 12),
        xapi_base_iri=(value["LOTSE_XAPI_BASE_IRI"] or value["LOTSE_BASE_URL"].rstrip("/") + "/xapi").rstrip("/"),
        lrs_url=value["LOTSE_LRS_URL"],
        lrs_user=value["LOTSE_LRS_USER"],
        lrs_password=value["LOTSE_LRS_PASSWORD"],
        trusted_proxies=value["LOTSE_TRUSTED_PROXIES"],
    )


def _positive_int(text: str, default: int) -> int:
    try:
        number = int(text)
    except ValueError:
        return default
    return number if number > 0 else default


def _choice(text: str, allowed: tuple[str, ...], default: str) -> str:
    """An unknown value falls back to ``default``: the least visible choice (fail closed)."""
    word = text.strip().lower()
    return word if word in allowed else default


EXAMPLE_CONTACT = "barrierefreiheit@example.org"


def contact_is_example(settings: Settings) -> bool:
    """True while LOTSE_CONTACT still holds the example address (the admin is warned)."""
    return settings.contact.strip().lower().endswith(("@example.org", "@example.com", "@example.de"))


def settings_table() -> str:
    """The Markdown table of settings for the README (a test keeps the README in sync)."""
    rows = ["| variable | default | meaning |", "| --- | --- | --- |"]
    for setting in SETTINGS:
        default = "(project folder)" if setting.env == "LOTSE_CONTENT_DIR" else (setting.default or "–")
        rows.append(f"| `{setting.env}` | `{default}` | {setting.help} |")
    return "\n".join(rows)


assert len(fields(Settings)) == len(SETTINGS)
