"""`python -m lotse xapi export|send`: learning records as xAPI 1.0.3 statements.

    xapi export (--learner LOGIN | --cohort ID) [--out FILE] [--force] [--logins]
    xapi send   (--learner LOGIN | --cohort ID) [--logins]

export writes a JSON array (stdout, or --out FILE); send posts the statements the learning record
store (LOTSE_LRS_URL, LOTSE_LRS_USER, LOTSE_LRS_PASSWORD) does not have yet and says how many were
sent and skipped. Actors are pseudonymous unless --logins is given. Whoever can run this can read
the database file anyway, so the command acts as an administrator.
Exit codes: 0 done, 1 error (nothing or not everything sent), 2 wrong arguments.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from progress.users import get_user_by_login

from ..config import Settings, load_settings
from ..content import load_catalog
from ..identity import PermissionDenied, User
from ..interop.lrs import LrsError
from ..secrets_store import SecretError
from .store_access import StoreNotReady, open_ready_store
from ..xapi_export import (XapiExportError, cohort_statements, learner_statements, lrs_config,
                           send_to_lrs, statements_json, base_iri_warning)

CLI_ACTOR = User(id=0, login="kommandozeile", display_name="Kommandozeile", role="admin")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("xapi", help="Lerndaten als xAPI-Aussagen exportieren oder an ein LRS senden")
    commands = parser.add_subparsers(dest="xapi_command", required=True)
    export = commands.add_parser("export", help="xAPI-Aussagen als JSON-Array ausgeben")
    _whose(export)
    export.add_argument("--out", type=Path, help="Zieldatei (Standard: Ausgabe auf stdout)")
    export.add_argument("--force", action="store_true", help="vorhandene Datei überschreiben")
    export.set_defaults(func=run_export)
    send = commands.add_parser("send", help="noch nicht gesendete Aussagen an das LRS senden")
    _whose(send)
    send.set_defaults(func=run_send)


def _whose(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--learner", metavar="LOGIN", help="Anmeldename einer lernenden Person")
    group.add_argument("--cohort", metavar="ID", type=int, help="Nummer einer Kohorte (alle Mitglieder)")
    parser.add_argument("--logins", action="store_true",
                        help="Anmeldenamen statt Pseudonymen (nur wenn das LRS sie speichern darf)")


def _say(message: str) -> None:
    print(message, file=sys.stderr)


def _statements(args: argparse.Namespace, settings: Settings, db) -> list[dict]:
    """Raises LookupError (German message) for an unknown learner or cohort."""
    catalog = load_catalog(settings.content_dir)
    pseudonymous = not args.logins
    if args.learner is not None:
        learner = get_user_by_login(db, args.learner)
        if learner is None:
            raise LookupError(f"Kein Konto mit dem Anmeldenamen „{args.learner}“.")
        return learner_statements(db, CLI_ACTOR, learner.id, catalog, settings, pseudonymous=pseudonymous)
    try:
        return cohort_statements(db, CLI_ACTOR, args.cohort, catalog, settings, pseudonymous=pseudonymous)
    except PermissionDenied as err:  # the administrator may see every cohort: it does not exist
        raise LookupError(f"Keine Kohorte mit der Nummer {args.cohort}.") from err


def run_export(args: argparse.Namespace) -> int:
    settings = load_settings()
    if args.out is not None and args.out.exists() and not args.force:
        _say(f"Fehler: {args.out} gibt es schon. Mit --force überschreiben.")
        return 1
    try:
        db = open_ready_store(settings)
    except StoreNotReady as problem:
        _say(f"Fehler: {problem}")
        return 1
    try:
        statements = _statements(args, settings, db)
    except (LookupError, XapiExportError, SecretError) as err:
        _say(f"Fehler: {err}")
        return 1
    finally:
        db.close()
    text = statements_json(statements)
    warning = base_iri_warning(settings)
    if warning:
        _say(warning)
    if args.out is None:
        sys.stdout.write(text)
    else:
        args.out.write_text(text, encoding="utf-8")
        _say(f"{len(statements)} Aussagen nach {args.out} geschrieben.")
    return 0


def run_send(args: argparse.Namespace) -> int:
    settings = load_settings()
    try:
        db = open_ready_store(settings)
    except StoreNotReady as problem:
        _say(f"Fehler: {problem}")
        return 1
    try:
        config = lrs_config(settings)
        if config is None:
            _say("Fehler: Kein Learning Record Store eingerichtet. Bitte LOTSE_LRS_URL, LOTSE_LRS_USER "
                 "und LOTSE_LRS_PASSWORD setzen (siehe docs/interop.md).")
            return 1
        statements = _statements(args, settings, db)
        report = send_to_lrs(db, CLI_ACTOR, statements, config)
    except (LookupError, XapiExportError, SecretError) as err:
        _say(f"Fehler: {err}")
        return 1
    except LrsError as err:
        sent = len(err.report.sent) if err.report else 0
        _say(f"Fehler: {err}\n{sent} Aussagen wurden vorher gesendet; ein erneuter Aufruf setzt fort.")
        return 1
    finally:
        db.close()
    print(f"{len(report.sent)} Aussagen gesendet, {len(report.skipped)} übersprungen (schon gesendet).")
    return 0
