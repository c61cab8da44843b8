"""`lotse db backup`: a copy taken while other threads and a process keep writing is sound and holds
every row committed before it started; `db restore` puts it back."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from lotse.cli import main as lotse_main
from progress import open_store, prepared_store
from progress.backup import BackupError, backup, integrity_problems, restore
from progress.users import insert_user

ROOT = Path(__file__).resolve().parent.parent
# A second process writing into the same file, as a second Streamlit worker does.
WRITER_PROCESS = """
import sys
sys.path.insert(0, sys.argv[1])
from progress import open_store
from progress.users import insert_user
db = open_store(sys.argv[2])
print("started", flush=True)
n = 0
while sys.stdin.readline().strip() == "more":
    for _ in range(20):
        insert_user(db, f"proc-{n}", "Prozess", "learner")
        n += 1
    print(n, flush=True)
"""


def logins(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {row[0] for row in conn.execute("SELECT login FROM users")}
    finally:
        conn.close()


class ThreadWriter:
    """Inserts users on its own connection until stopped; ``committed`` lists what is committed."""

    def __init__(self, path: Path, name: str) -> None:
        self.path, self.name = path, name
        self.committed: list[str] = []
        self.stop = threading.Event()
        self.started = threading.Event()
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self) -> None:
        db = open_store(self.path)
        try:
            n = 0
            while not self.stop.is_set():
                login = f"{self.name}-{n}"
                insert_user(db, login, "Schreiberin", "learner")  # autocommit: committed on return
                self.committed.append(login)
                n += 1
                if n == 50:
                    self.started.set()
        except BaseException as error:  # noqa: BLE001 - reported by the test
            self.error = error
            self.started.set()
        finally:
            db.close()


def test_backup_during_concurrent_writes_is_sound_and_complete(tmp_path):
    source = tmp_path / "lotse.db"
    prepared_store(source).close()
    (tmp_path / "backups").mkdir()
    writers = [ThreadWriter(source, f"thread{i}") for i in range(2)]
    process = subprocess.Popen([sys.executable, "-c", WRITER_PROCESS, str(ROOT), str(source)], text=True,
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        assert process.stdout.readline().strip() == "started"
        process.stdin.write("more\n"), process.stdin.flush()
        assert int(process.stdout.readline()) == 20  # the process's first 20 rows are committed
        for writer in writers:
            writer.thread.start()
        for writer in writers:
            assert writer.started.wait(30), "writer thread did not get going"
        process.stdin.write("more\n"), process.stdin.flush()  # the process writes during the backup
        before = {login for writer in writers for login in list(writer.committed)} | {f"proc-{n}" for n in range(20)}
        written = backup(source, tmp_path / "backups")
        after_backup = [len(writer.committed) for writer in writers]
        assert int(process.stdout.readline()) == 40
        for writer in writers:
            writer.stop.set()
            writer.thread.join(30)
            assert writer.error is None, writer.error
    finally:
        for writer in writers:
            writer.stop.set()
        process.stdin.close()
        process.wait(30)
    assert written.parent == tmp_path / "backups" and written.name.startswith("lotse-")
    assert integrity_problems(written) == []
    conn = sqlite3.connect(written)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one self-contained file
    conn.close()
    in_backup = logins(written)
    assert before <= in_backup, f"committed rows missing from the backup: {sorted(before - in_backup)[:5]}"
    # The writers really kept writing while and after the copy was taken (it was taken live) ...
    assert all(len(w.committed) > n for w, n in zip(writers, after_backup))
    # ... and the source, still written to, holds more than the snapshot.
    assert logins(source) > in_backup
    assert not list((tmp_path / "backups").glob(".*partial"))


def test_backup_refuses_to_overwrite_and_missing_source(tmp_path):
    source = tmp_path / "lotse.db"
    prepared_store(source).close()
    target = tmp_path / "copy.db"
    backup(source, target)
    with pytest.raises(BackupError, match="exists already"):
        backup(source, target)
    with pytest.raises(BackupError, match="no database file"):
        backup(tmp_path / "missing.db", tmp_path / "other.db")


def test_cli_backup_and_restore_round_trip(tmp_path, monkeypatch, capsys):
    source = tmp_path / "data" / "lotse.db"
    db = prepared_store(source)
    insert_user(db, "vor.der.sicherung", "Vorher", "learner")
    monkeypatch.setenv("LOTSE_DB_PATH", str(source))
    monkeypatch.setenv("LOTSE_DATA_DIR", str(tmp_path / "data"))
    assert lotse_main(["db", "backup", str(tmp_path / "sicherung.db")]) == 0
    assert "integrity check ok" in capsys.readouterr().out
    insert_user(db, "nach.der.sicherung", "Nachher", "learner")
    db.close()
    assert lotse_main(["db", "restore", str(tmp_path / "sicherung.db")]) == 0
    assert "vor.der.sicherung" in logins(source) and "nach.der.sicherung" not in logins(source)
    assert integrity_problems(source) == []


def test_restore_refuses_a_damaged_file(tmp_path):
    source = tmp_path / "lotse.db"
    prepared_store(source).close()
    damaged = tmp_path / "damaged.db"
    damaged.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    with pytest.raises(BackupError):
        restore(damaged, source)
    assert integrity_problems(source) == []
