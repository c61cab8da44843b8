"""Lotse as operated: two workers behind Debian's nginx (deploy.serve, what scripts/serve.sh runs).

* The hardening headers (CSP, frame protection, nosniff, referrer policy) on every answer; Streamlit's
  metrics and agent API are not reachable through the proxy; uploads above the import limit are refused.
* Session affinity: nginx's route cookie keeps one browser on one worker; new browsers spread.
* A learner's journey (sign in, lesson, quiz, submit, progress chart) through the proxy, under the
  Content-Security-Policy, without a single CSP violation.
* Failover: the worker serving a learner in the middle of a quiz is killed (SIGKILL); the page
  reconnects through nginx to the other worker, still signed in, the saved answers still there,
  and submitting records exactly one attempt.
* After a failover the route cookie names the new worker, so a trainer's upload reaches the worker
  holding the tab's session even once the killed worker has been started again.
* With TLS: HSTS is sent; SIGTERM stops nginx and every worker.
"""

from __future__ import annotations

import json
import os
import re
import signal
import ssl
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import expect

from browser_harness import PROJECT, exception_boxes, main_text, runs
from browser_quiz import ABBREVIATION_QUESTION, who_question
from content_builder import write_course
from raw_sql import raw
from proxy_harness import SETTLED, ProxiedLotse, alive, get, open_page, rerun, sign_in, wait_runs, wait_until
from tls_certificate import self_signed

pytestmark = pytest.mark.proxy

LEARNER = ("paula.proxy", "Paula Proxy", "Ein-sicheres-Passwort-2026")
QUIZ = ("lesson: eins\npass_mark: 70\nquestions:\n" + who_question() + """\
  - id: ozg
    type: true_false
    objective: ziel
    prompt: Das OZG verpflichtet Bund und Länder zu Online-Angeboten.
    answer: true
    feedback_true: Genau.
    feedback_false: Doch, das tut es.
    explanation: Das Onlinezugangsgesetz.
""" + ABBREVIATION_QUESTION)
WHO, OZG = "Die Führungskraft im Fachbereich", "Stimmt"
LESSON_TITLE = "Lektion eins"
EXPECTED_HEADERS = {
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
}
# Records CSP violations in the page (the browser also logs them to the console, collected too).
CSP_PROBE = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation',
  (e) => window.__cspViolations.push(`${e.effectiveDirective} blocked ${e.blockedURI || '(inline)'} in ${e.sourceFile}`));
"""


def start_proxied(root: Path, **options) -> ProxiedLotse:
    content = write_course(root / "content", quizzes={"eins": QUIZ})
    server = ProxiedLotse(root, content_dir=content, **options)
    server.start()
    return server


def create_learner(server: ProxiedLotse) -> None:
    """The operator's way: `python -m lotse users create ... --password-stdin` on the same data folder."""
    done = subprocess.run([sys.executable, "-m", "lotse", "users", "create", "--role", "learner",
                           "--login", LEARNER[0], "--name", LEARNER[1], "--password-stdin"],
                          input=LEARNER[2], text=True, capture_output=True, cwd=PROJECT, env=server.env, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture(scope="module")
def proxied() -> Iterator[ProxiedLotse]:
    with tempfile.TemporaryDirectory(prefix="lotse-proxy-") as root:
        server = start_proxied(Path(root), workers=2)
        try:
            create_learner(server)
            yield server
        finally:
            server.stop()


def learner_rows(server: ProxiedLotse) -> dict:
    from progress import open_store

    db = open_store(server.db_path)
    try:
        user = raw(db).execute("SELECT id FROM users WHERE login = ?", [LEARNER[0]]).fetchone()[0]
        attempts = raw(db).execute("SELECT attempt_no, passed FROM attempts WHERE user_id = ? AND lesson_id = 'eins'"
                              " ORDER BY attempt_no", [user]).fetchall()
        draft = raw(db).execute("SELECT responses FROM drafts WHERE user_id = ? AND lesson_id = 'eins'", [user]).fetchone()
        return {"attempts": [tuple(a) for a in attempts], "draft": draft[0] if draft else None}
    finally:
        db.close()


def choose(page, role: str, label: str) -> None:
    page.locator("label").filter(has=page.get_by_role(role, name=label, exact=True)).click()


def pass_the_quiz(page) -> None:
    """On the open lesson: start the quiz, answer all three questions right, submit, see it passed."""
    rerun(page, lambda: page.get_by_role("button", name="Quiz starten").click())
    rerun(page, lambda: choose(page, "radio", WHO))
    rerun(page, lambda: choose(page, "radio", OZG))
    field = page.get_by_role("textbox", name=re.compile(r"Ihre Antwort \(Text\)"))
    field.fill("OZG")
    rerun(page, lambda: field.press("Enter"))
    rerun(page, lambda: page.get_by_role("button", name="Antworten abgeben").click())
    page.get_by_text("✓ Bestanden. Versuch 1").wait_for()


def serving_worker(page) -> str:
    """The worker nginx routes this browser to (its route cookie), as the X-Lotse-Worker header says."""
    return page.evaluate("fetch('/_stcore/health', {cache: 'no-store'}).then(r => r.headers.get('X-Lotse-Worker'))")


def route_of(page) -> str | None:
    """The worker the browser's route cookie names."""
    return next((c["value"] for c in page.context.cookies() if c["name"] == "lotse_route"), None)


def watch_csp(page) -> list[str]:
    """CSP violations of this page: reported by the document and logged by Chromium."""
    logged: list[str] = []
    page.context.add_init_script(CSP_PROBE)
    page.on("console", lambda message: logged.append(message.text)
            if "Content Security Policy" in message.text else None)
    return logged


def csp_violations(page, logged: list[str]) -> list[str]:
    return page.evaluate("window.__cspViolations || []") + logged


# --- plain HTTP through nginx ---------------------------------------------------------------------

def test_hardening_headers_and_blocked_paths(proxied):
    for path in ("/", "/_stcore/health", "/lektion?id=eins", "/_stcore/host-config"):
        status, headers, _ = get(proxied.url + path)
        assert status == 200, path
        for name, value in EXPECTED_HEADERS.items():
            assert headers[name] == value, (path, name, headers[name])
        policy = headers["content-security-policy"]
        assert "frame-ancestors 'none'" in policy and "default-src 'self'" in policy
        assert "object-src 'none'" in policy and "https:" not in policy and "*" not in policy
        assert headers["strict-transport-security"] is None  # only over TLS (test_tls_...)
        assert headers["server"] == "nginx"  # no version
    # The workers do serve metrics (so blocking them matters) ...
    assert get(f"http://127.0.0.1:{proxied.worker_ports[0]}/_stcore/metrics")[0] == 200
    # ... nginx does not, however the path is spelt.
    for path in ("/_stcore/metrics", "/_stcore/metrics?x=1", "/_stcore/%6Detrics", "/_stcore//metrics",
                 "/_stcore/agent/openapi.json"):
        status, headers, _ = get(proxied.url + path)
        assert status == 404, path
        assert headers["x-frame-options"] == "DENY"
    # An upload above the import limit (5 MB in Streamlit, 6 MB in nginx) is refused by nginx.
    status, _, _ = get(proxied.url + "/_stcore/upload_file/x/y", data=b"0" * (7 * 1024 * 1024),
                       headers={"Content-Type": "application/octet-stream"})
    assert status == 413


def route_cookie(headers) -> str | None:
    cookies = [c for c in headers.get_all("Set-Cookie") or [] if c.startswith("lotse_route=")]
    assert len(cookies) <= 1, cookies
    return cookies[0] if cookies else None


def test_route_cookie_keeps_a_browser_on_its_worker_and_new_browsers_spread(proxied):
    given = []
    for _ in range(6):  # new browsers (no cookie): each gets the worker that answered, round robin
        status, headers, _ = get(proxied.url + "/_stcore/health")
        cookie = route_cookie(headers)
        assert status == 200 and cookie.split(";")[0] == f"lotse_route={headers['x-lotse-worker']}"
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
        given.append(headers["x-lotse-worker"])
    assert set(given) == {"1", "2"}
    for worker in ("1", "2"):  # a browser with its cookie always reaches its worker and keeps the cookie
        for _ in range(5):
            status, headers, _ = get(proxied.url + "/_stcore/health", headers={"Cookie": f"lotse_route={worker}"})
            assert status == 200 and headers["x-lotse-worker"] == worker and route_cookie(headers) is None
    # A cookie naming no worker (e.g. after scaling down) is replaced by one that does.
    status, headers, _ = get(proxied.url + "/_stcore/health", headers={"Cookie": "lotse_route=7"})
    assert status == 200 and route_cookie(headers).split(";")[0] == f"lotse_route={headers['x-lotse-worker']}"


# --- in the browser -------------------------------------------------------------------------------

def test_learner_journey_through_the_proxy_under_the_csp(proxied, browser):
    page = browser.new_page()
    logged = watch_csp(page)
    sign_in(page, proxied.url, LEARNER[0], LEARNER[2])
    assert page.get_by_role("heading", name="Anmelden").count() == 0, main_text(page)
    worker = serving_worker(page)
    open_page(page, f"{proxied.url}/lektion?id=eins")
    expect(page.get_by_role("heading", name=LESSON_TITLE, level=1)).to_be_visible()
    rerun(page, lambda: page.get_by_role("button", name="Als gelesen markieren").click())
    pass_the_quiz(page)
    assert learner_rows(proxied)["attempts"] == [(1, 1)]
    # The progress page draws its Vega-Lite chart under the policy.
    open_page(page, f"{proxied.url}/fortschritt")
    chart = page.locator("[data-testid='stVegaLiteChart'] canvas, [data-testid='stVegaLiteChart'] svg").first
    chart.wait_for()
    assert exception_boxes(page) == []
    assert serving_worker(page) == worker, "the browser changed workers without a failure"
    assert csp_violations(page, logged) == []
    assert page.console_errors == []
    assert page.foreign_requests == []


def test_failover_to_the_other_worker_loses_and_doubles_nothing(browser, tmp_path):
    server = start_proxied(tmp_path, workers=2)
    try:
        create_learner(server)
        page = browser.new_page()
        sockets: list[str] = []
        page.on("websocket", lambda socket: sockets.append(socket.url))
        sign_in(page, server.url, LEARNER[0], LEARNER[2])
        open_page(page, f"{server.url}/lektion?id=eins")
        rerun(page, lambda: page.get_by_role("button", name="Quiz starten").click())
        rerun(page, lambda: choose(page, "radio", WHO))
        rerun(page, lambda: choose(page, "radio", OZG))
        draft = json.loads(learner_rows(server)["draft"] or "{}")
        assert draft.get("wer") is not None and draft.get("ozg") is True, f"answers not saved as a draft: {draft}"

        pids = server.worker_pids()
        victim = serving_worker(page)
        assert set(pids) == {"1", "2"} and victim in pids
        survivor = ({"1", "2"} - {victim}).pop()
        before, connections = runs(page), len(sockets)
        assert route_of(page) == victim
        with page.expect_websocket(lambda socket: "/_stcore/stream" in socket.url, timeout=60_000):
            os.kill(pids[victim], signal.SIGKILL)
        wait_runs(page, before, timeout_ms=60_000)  # the new session's first run has been drawn
        assert not alive(pids[victim]) and alive(pids[survivor])
        assert len(sockets) == connections + 1
        # The websocket's handshake answer already named the new worker (uploads and downloads follow).
        assert route_of(page) == survivor
        assert serving_worker(page) == survivor

        # Still signed in (the session cookie's token is in the database), same lesson, same answers.
        expect(page.get_by_role("heading", name=LESSON_TITLE, level=1)).to_be_visible()
        assert page.get_by_role("heading", name="Anmelden").count() == 0
        expect(page.get_by_role("radio", name=WHO, exact=True)).to_be_checked()
        expect(page.get_by_role("radio", name=OZG, exact=True)).to_be_checked()

        field = page.get_by_role("textbox", name=re.compile(r"Ihre Antwort \(Text\)"))
        field.fill("OZG")
        rerun(page, lambda: field.press("Enter"))
        rerun(page, lambda: page.get_by_role("button", name="Antworten abgeben").click())
        page.get_by_text("✓ Bestanden. Versuch 1").wait_for()  # 3 of 3: the answers from before counted
        assert learner_rows(server) == {"attempts": [(1, 1)], "draft": None}
        assert exception_boxes(page) == []
    finally:
        code = server.stop()
    assert code == 0, server.log_tail()


GIFT = "::wer:: Wer verantwortet die Abläufe? {=Die Führungskraft ~Allein die IT}\n"


def test_an_upload_follows_the_session_to_the_new_worker_after_the_old_one_is_back(browser, tmp_path):
    """Uploads carry no session id: after a failover they must reach the worker that now holds the
    tab's session, also once the dead worker has been started again (the route cookie moved)."""
    server = start_proxied(tmp_path, workers=2, restart=True)
    try:
        done = subprocess.run([sys.executable, "-m", "lotse", "users", "create", "--role", "trainer", "--login",
                               "tina.trainerin", "--name", "Tina Trainerin", "--password-stdin"],
                              input=LEARNER[2], text=True, capture_output=True, cwd=PROJECT, env=server.env, timeout=60)
        assert done.returncode == 0, done.stderr
        page = browser.new_page()
        sign_in(page, server.url, "tina.trainerin", LEARNER[2])
        open_page(page, server.url + "/austausch")
        page.get_by_role("heading", name="Fragen importieren").wait_for()
        victim = route_of(page)
        crashed = server.worker_pids()[victim]
        with page.expect_websocket(lambda socket: "/_stcore/stream" in socket.url, timeout=60_000):
            os.kill(crashed, signal.SIGKILL)
        # The new websocket's handshake answer (101) carries the route cookie of the worker it reached.
        wait_until(page, SETTLED, 60_000)
        survivor = route_of(page)
        assert survivor != victim
        # The supervisor starts the dead worker again; wait until nginx routes its own cookie to it.
        wait_for(lambda: server.worker_pids()[victim] != crashed, "the worker was not started again")
        wait_for(lambda: get(server.url + "/_stcore/health", headers={"Cookie": f"lotse_route={victim}"})[1]
                 ["x-lotse-worker"] == victim, "nginx does not route to the restarted worker")
        upload = page.get_by_test_id("stFileUploaderDropzoneInput")
        rerun(page, lambda: upload.set_input_files(files=[{"name": "fragen.gift", "mimeType": "text/plain",
                                                           "buffer": GIFT.encode()}]))
        page.get_by_text("gelesen als GIFT").wait_for()
        assert "1 Frage gelesen." in main_text(page), main_text(page)
        assert exception_boxes(page) == [] and route_of(page) == survivor
    finally:
        code = server.stop()
    assert code == 0, server.log_tail()


def test_tls_hsts_worker_restart_and_sigterm_stops_everything(tmp_path):
    cert, key = self_signed(tmp_path)
    server = ProxiedLotse(tmp_path, workers=1, scheme="https", restart=True,
                          extra_args=["--tls-certificate", str(cert), "--tls-key", str(key)])
    server.start()
    try:
        tls = ssl.create_default_context(cafile=str(cert))
        status, headers, body = get(server.url + "/_stcore/health", context=tls)
        assert (status, body) == (200, b"ok")
        assert headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"
        assert route_cookie(headers).endswith("; Secure")
        assert get(server.url + "/_stcore/metrics", context=tls)[0] == 404
        # The supervisor starts a crashed worker again; the proxy answers from the new process.
        crashed = server.worker_pids()["1"]
        os.kill(crashed, signal.SIGKILL)
        wait_for(lambda: server.worker_pids()["1"] != crashed, "the worker was not started again")
        wait_for(lambda: get(server.url + "/_stcore/health", context=tls)[2] == b"ok", "no health after the restart")
        processes = [server.nginx_pid(), *server.worker_pids().values()]
        assert all(alive(pid) for pid in processes)
    finally:
        code = server.stop()
    assert code == 0, server.log_tail()
    assert server.survivors == [], "nginx or a worker outlived serve's SIGTERM"
    assert not any(alive(pid) for pid in processes)


def wait_for(condition, message: str, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, message
        time.sleep(0.2)  # poll interval of the condition


# --- two app processes on one PostgreSQL database ------------------------------------------------------

TRAINER = ("tom.trainer", "Tom Trainer", "Ein-anderes-Passwort-2026")


def test_two_workers_on_postgresql_serve_one_cohort(browser, tmp_path, pg_cluster, monkeypatch):
    """Issue 16: two app processes share one PostgreSQL database behind the proxy; the learner
    passes a quiz on one worker, the trainer's cockpit on the other shows it."""
    from lotse.accounts import create_account
    from lotse.analytics.cohort import cohort_overview
    from lotse.german_format import percent
    from lotse.cohorts import create_cohort
    from lotse.content import load_catalog
    from progress import cohorts as cohort_sql
    from progress import open_store
    from progress.users import get_user_by_login

    url = pg_cluster.new_database(empty=True)  # deploy.serve's `lotse prepare` migrates it
    monkeypatch.setenv("LOTSE_MIN_GROUP_SIZE", "1")  # a cohort of one: the core here judges as the workers do
    server = start_proxied(tmp_path, workers=2, extra_env={"LOTSE_DATABASE_URL": url, "LOTSE_MIN_GROUP_SIZE": "1"})
    try:
        create_learner(server)
        store = open_store(url)
        trainer = create_account(store, TRAINER[0], TRAINER[1], TRAINER[2], "trainer")
        cohort = create_cohort(store, trainer, "Kohorte auf PostgreSQL", seminar_date="2030-05-04")
        cohort_sql.add_member(store, cohort["id"], get_user_by_login(store, LEARNER[0]).id)

        learner = browser.new_page()
        sign_in(learner, server.url, LEARNER[0], LEARNER[2])
        learner_worker = serving_worker(learner)
        other = "1" if learner_worker == "2" else "2"
        coach = browser.new_page()
        coach.context.add_cookies([{"name": "lotse_route", "value": other, "url": server.url}])
        sign_in(coach, server.url, TRAINER[0], TRAINER[2])
        assert serving_worker(coach) == other != learner_worker

        def completed() -> str:
            open_page(coach, f"{server.url}/cockpit")
            metric = coach.get_by_test_id("stMetric").filter(has_text="Abgeschlossen")
            return metric.inner_text()

        before = completed()
        open_page(learner, f"{server.url}/lektion?id=eins")
        pass_the_quiz(learner)

        content = load_catalog(tmp_path / "content")
        expected = percent(cohort_overview(store, trainer, cohort["id"], content).key.passed_share)
        after = completed()
        assert expected in after and expected not in before, (before, after, expected)
        assert serving_worker(learner) == learner_worker and serving_worker(coach) == other
        assert exception_boxes(learner) == exception_boxes(coach) == []
        store.close()
    finally:
        server.stop()
