"""`python -m deploy.serve --workers N`: Lotse as N Streamlit processes behind Debian's nginx.

    1. `python -m lotse prepare` once (migrations under its lock, demo data when LOTSE_DEMO=1);
    2. N workers `streamlit run app.py` on 127.0.0.1:FIRST..FIRST+N-1, headless, all with the same
       server.cookieSecret (STREAMLIT_SERVER_COOKIE_SECRET, or generated once into the data folder);
    3. nginx in the foreground with a config generated into the runtime folder (deploy/nginx.py),
       listening on PORT (default 8501) with session affinity.

A worker that dies is started again (its browsers have meanwhile moved to another worker);
SIGINT/SIGTERM stop nginx and every worker. `scripts/serve.sh` runs this in the project's venv.
"""

from __future__ import annotations

import argparse
import os
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from deploy import nginx

PROJECT = Path(__file__).resolve().parent.parent
COOKIE_SECRET_FILE = "cookie_secret.key"
HEALTH_TIMEOUT = 90.0  # seconds for one worker to answer "ok" (a loaded machine starts slowly)
STOP_TIMEOUT = 15.0
RESTART_DELAY = 5.0  # seconds between two starts of one worker


def log(message: str) -> None:
    print(f"[serve] {message}", file=sys.stderr, flush=True)


def cookie_secret(data_dir: Path, environ: dict[str, str]) -> str:
    """The configured STREAMLIT_SERVER_COOKIE_SECRET, else the one kept in the data folder (made once)."""
    configured = environ.get("STREAMLIT_SERVER_COOKIE_SECRET", "").strip()
    if configured:
        return configured
    path = data_dir / COOKIE_SECRET_FILE
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    return path.read_text(encoding="utf-8").strip()


def wait_healthy(url: str, process: subprocess.Popen, timeout: float = HEALTH_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: process exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.read().strip() == b"ok":
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)  # poll interval of the health check
    raise RuntimeError(f"{url}: no 'ok' on /_stcore/health within {timeout:.0f} s")


def wait_listening(listen: tuple[str, int], process: subprocess.Popen, timeout: float = 30.0) -> None:
    """Until nginx accepts connections on ``listen`` (host, port)."""
    host = "127.0.0.1" if listen[0] in ("0.0.0.0", "") else listen[0].strip("[]")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"nginx exited with code {process.returncode} (is port {listen[1]} taken?)")
        try:
            with socket.create_connection((host, listen[1]), timeout=1):
                return
        except OSError:
            time.sleep(0.1)  # poll interval
    raise RuntimeError(f"nginx does not accept connections on {host}:{listen[1]} within {timeout:.0f} s")


@dataclass
class Worker:
    number: int
    port: int
    env: dict[str, str]
    log_path: Path | None
    app: str = "app.py"
    process: subprocess.Popen | None = None
    started_at: float = 0.0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        command = [sys.executable, "-m", "streamlit", "run", self.app, "--server.headless", "true",
                   "--server.address", "127.0.0.1", "--server.port", str(self.port),
                   "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"]
        self.started_at = time.monotonic()
        output = self.log_path.open("ab") if self.log_path else None
        self.process = subprocess.Popen(command, cwd=PROJECT, env=self.env, stdin=subprocess.DEVNULL,
                                        stdout=output, stderr=subprocess.STDOUT if output else None)
        if output:
            output.close()


@dataclass
class Supervisor:
    workers: list[Worker]
    nginx_command: list[str]
    nginx_process: subprocess.Popen | None = None
    restart_workers: bool = True
    stopping: bool = field(default=False)

    def start(self, listen: tuple[str, int]) -> None:
        for worker in self.workers:
            worker.start()
        for worker in self.workers:
            wait_healthy(worker.url, worker.process)
            log(f"worker {worker.number} ready on {worker.url} (pid {worker.process.pid})")
        self.nginx_process = subprocess.Popen(self.nginx_command, stdin=subprocess.DEVNULL)
        wait_listening(listen, self.nginx_process)

    def watch(self) -> int:
        """Until stopped: restart dead workers; if nginx dies, stop everything (exit code 1)."""
        while not self.stopping:
            if self.nginx_process.poll() is not None:
                log(f"nginx exited with code {self.nginx_process.returncode}; stopping the workers")
                self.stop()
                return 1
            for worker in self.workers:
                if (worker.process.poll() is not None and not self.stopping and self.restart_workers
                        and time.monotonic() - worker.started_at >= RESTART_DELAY):  # no tight crash loop
                    code = worker.process.returncode
                    worker.start()
                    log(f"worker {worker.number} exited with code {code}; started again (pid {worker.process.pid})")
            time.sleep(0.5)  # supervision interval
        log("stopped")
        return 0

    def stop(self, *_: object) -> None:
        if self.stopping:  # a second signal while stopping
            return
        self.stopping = True
        processes = [p for p in [self.nginx_process, *(w.process for w in self.workers)] if p is not None]
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT
        for process in processes:
            try:
                process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def worker_environment(base: dict[str, str], secret: str) -> dict[str, str]:
    """The workers' environment: everything of ours (LOTSE_*, LOTSE_DATABASE_URL included) plus the
    shared cookie secret; nginx on loopback is the only proxy they trust."""
    env = dict(base)
    env["STREAMLIT_SERVER_COOKIE_SECRET"] = secret
    env["LOTSE_TRUSTED_PROXIES"] = "127.0.0.1"
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


def raise_open_file_limit() -> None:
    """Every browser tab holds a websocket: let the workers (they inherit it) open as many files as allowed."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = 65536 if hard == resource.RLIM_INFINITY else hard
    if soft != resource.RLIM_INFINITY and soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="scripts/serve.sh", description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=2, help="number of Streamlit processes (default 2)")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8501")),
                        help="port nginx listens on (default: $PORT or 8501)")
    parser.add_argument("--host", default=os.environ.get("LOTSE_LISTEN_HOST", "0.0.0.0"),
                        help="address nginx listens on (default: all interfaces)")
    parser.add_argument("--first-worker-port", type=int, default=int(os.environ.get("LOTSE_WORKER_PORT", "8601")),
                        help="port of worker 1; worker N listens on this + N - 1 (default 8601)")
    parser.add_argument("--worker-ports", default="",
                        help="comma-separated worker ports instead of --first-worker-port (one per worker)")
    parser.add_argument("--runtime-dir", type=Path, default=None,
                        help="folder for the generated nginx.conf, logs and nginx's temp files "
                             "(default: run/ in the data folder)")
    parser.add_argument("--tls-certificate", type=Path, help="serve HTTPS with this certificate (PEM) ...")
    parser.add_argument("--tls-key", type=Path, help="... and this key (HSTS is sent then)")
    parser.add_argument("--nginx", default=shutil.which("nginx") or "/usr/sbin/nginx", help="nginx binary")
    parser.add_argument("--no-restart", action="store_true", help="do not start dead workers again")
    parser.add_argument("--app", default="app.py", help=argparse.SUPPRESS)  # bench/load.py: a bare script
    parser.add_argument("--access-log", action="store_true", help="write nginx's access log to the runtime folder")
    args = parser.parse_args(argv)
    if args.workers < 1:
        parser.error("--workers must be at least 1")
    if args.worker_ports:
        args.worker_ports = [int(p) for p in args.worker_ports.split(",")]
        if len(args.worker_ports) != args.workers:
            parser.error("--worker-ports needs one port per worker")
    else:
        args.worker_ports = [args.first_worker_port + n for n in range(args.workers)]
    if bool(args.tls_certificate) != bool(args.tls_key):
        parser.error("--tls-certificate and --tls-key go together")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    sys.path.insert(0, str(PROJECT))
    from lotse.config import load_settings

    settings = load_settings()
    if not Path(args.nginx).exists():
        log(f"nginx not found ({args.nginx}); install Debian's package: apt-get install -y nginx-light")
        return 2
    prepared = subprocess.run([sys.executable, "-m", "lotse", "prepare"], cwd=PROJECT)
    if prepared.returncode != 0:
        log("`python -m lotse prepare` failed; not starting")
        return prepared.returncode
    runtime = (args.runtime_dir or settings.data_dir / "run").resolve()
    runtime.mkdir(parents=True, exist_ok=True)
    env = worker_environment(dict(os.environ), cookie_secret(settings.data_dir, dict(os.environ)))
    ports = args.worker_ports
    workers = [Worker(n, port, env, runtime / f"worker-{n}.log", args.app) for n, port in enumerate(ports, 1)]
    raise_open_file_limit()
    tls = nginx.Tls(args.tls_certificate.resolve(), args.tls_key.resolve()) if args.tls_certificate else None
    config = runtime / "nginx.conf"
    config.write_text(nginx.render(listen=f"{args.host}:{args.port}", worker_ports=ports, runtime=runtime, tls=tls,
                                   access_log=args.access_log), encoding="utf-8")
    check = subprocess.run([args.nginx, "-t", "-q", "-p", str(runtime), "-c", str(config), "-e", "stderr"])
    if check.returncode != 0:
        log(f"nginx rejected {config}")
        return 1
    supervisor = Supervisor(workers, [args.nginx, "-p", str(runtime), "-c", str(config), "-e", "stderr"],
                            restart_workers=not args.no_restart)
    signal.signal(signal.SIGTERM, supervisor.stop)
    signal.signal(signal.SIGINT, supervisor.stop)
    try:
        supervisor.start((args.host, args.port))
    except RuntimeError as error:
        if supervisor.stopping:  # stopped by a signal while starting
            return 0
        log(str(error))
        supervisor.stop()
        return 1
    scheme = "https" if tls else "http"
    log(f"Lotse läuft mit {args.workers} Prozessen: {scheme}://{args.host}:{args.port} "
        f"(nginx pid {supervisor.nginx_process.pid}, logs in {runtime})")
    return supervisor.watch()


if __name__ == "__main__":
    sys.exit(main())
