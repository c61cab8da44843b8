"""The nginx configuration for N Lotse workers on one machine: session affinity, websocket, hardening.

``render(...)`` returns a complete nginx.conf that runs nginx as a non-daemon child of the
supervisor, with every writable path inside ``runtime`` (no root needed, nothing under /var).

Session affinity: Streamlit keeps a browser tab's session (widget state, uploads, media) in the
memory of the process that holds its websocket, and media, upload and download requests carry no
session id, so every request of one browser must reach the same worker. The route cookie
(``lotse_route``) names the worker: a browser without it is given a worker (round robin) and the
cookie with the first answer; with it, nginx sends every request to that worker (upstream
``lotse_worker_K``), the other workers being its backups. When a worker dies, ``proxy_next_upstream``
passes its browsers' requests to a backup; they reconnect there (and find sign-in, drafts and
attempts in the database), and because the cookie is rewritten whenever another worker answered
than the one it names, their uploads and downloads follow them, also after the dead worker is back.
(A hash of a random cookie would send them back to the restarted worker, away from their session.)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

# The smallest policy under which Lotse works, found in the browser (tests/browser/test_proxy.py):
# Streamlit needs inline styles (emotion) and runs the inline <script> of st.html(...,
# unsafe_allow_javascript=True), with which Lotse sets the sign-in cookie (without 'unsafe-inline'
# in script-src the sign-in does not survive a page change). 'unsafe-eval' is not needed: Streamlit
# draws Vega-Lite charts with vega's CSP-safe expression interpreter. Its protobuf decoder compiles
# WebAssembly ('wasm-unsafe-eval': WebAssembly only, no JavaScript eval). Everything comes from the
# app's own origin (websocket included: 'self' covers ws:/wss: of the same host); nothing may frame it.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; "
    "script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'; "
    "style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; "
    "font-src 'self' data:; "
    "connect-src 'self'; "
    "frame-src 'self' blob: data:; "
    "worker-src 'self' blob:; "
    "object-src 'none'; "
    "base-uri 'self'; "
    "form-action 'self'; "
    "frame-ancestors 'none'"
)
# A question import (GIFT, Moodle XML, ILIAS ZIP) is at most 5 MB (lotse.interop.exchange,
# server.maxUploadSize in .streamlit/config.toml); multipart framing adds a little.
CLIENT_MAX_BODY_SIZE = "6m"
HSTS = "max-age=31536000; includeSubDomains"
ROUTE_COOKIE = "lotse_route"
# Streamlit's websocket stays open while a tab is open; idle tabs send nothing for a long time.
WEBSOCKET_READ_TIMEOUT = "1d"


@dataclass(frozen=True)
class Tls:
    certificate: Path
    key: Path


def security_headers(tls: bool) -> str:
    """add_header lines for every response (``always``: error pages too)."""
    headers = [
        ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
        ("X-Frame-Options", "DENY"),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "same-origin"),
        ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
    ]
    if tls:
        headers.append(("Strict-Transport-Security", HSTS))
    return "\n".join(f'        add_header {name} "{value}" always;' for name, value in headers)


def _worker_upstream(number: int, port: int, all_ports: list[int]) -> str:
    """Worker ``number`` first; the others only while it is down."""
    backups = "".join(f"        server 127.0.0.1:{other} backup;\n" for other in all_ports if other != port)
    return (f"    upstream lotse_worker_{number} {{\n"
            f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=10s;\n{backups}        keepalive 16;\n    }}")


def render(*, listen: str, worker_ports: list[int], runtime: Path, tls: Tls | None = None,
           access_log: bool = False) -> str:
    """nginx.conf for workers on 127.0.0.1:``worker_ports``, served on ``listen`` (host:port)."""
    servers = "\n".join(f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=10s;" for port in worker_ports)
    worker_names = "\n".join(f'        "~127\\.0\\.0\\.1:{port}$" "{n}";' for n, port in enumerate(worker_ports, 1))
    route_entries = "\n".join(f'        "{n}" lotse_worker_{n};' for n in range(1, len(worker_ports) + 1))
    per_worker = "\n".join(_worker_upstream(n, port, worker_ports) for n, port in enumerate(worker_ports, 1))
    secure = "; Secure" if tls else ""
    listen_line = f"listen {listen} ssl;" if tls else f"listen {listen};"
    tls_lines = ""
    if tls:
        tls_lines = (f"        ssl_certificate {tls.certificate};\n"
                     f"        ssl_certificate_key {tls.key};\n"
                     "        ssl_protocols TLSv1.2 TLSv1.3;\n"
                     "        ssl_prefer_server_ciphers off;\n"
                     "        ssl_session_cache shared:lotse_tls:10m;\n")
    log = f"access_log {runtime}/access.log;" if access_log else "access_log off;"
    return f"""# Generated by deploy/serve.py; changes are overwritten on the next start.
daemon off;
worker_processes 1;
worker_rlimit_nofile 16384;
pid {runtime}/nginx.pid;
error_log stderr warn;

events {{
    worker_connections 4096;
}}

http {{
    {log}
    server_tokens off;
    client_body_temp_path {runtime}/client_body;
    proxy_temp_path {runtime}/proxy;
    fastcgi_temp_path {runtime}/fastcgi;
    uwsgi_temp_path {runtime}/uwsgi;
    scgi_temp_path {runtime}/scgi;
    client_max_body_size {CLIENT_MAX_BODY_SIZE};
    # No temp files: when started as root, nginx's workers run as nobody and may not reach runtime/.
    client_body_buffer_size {CLIENT_MAX_BODY_SIZE};
    proxy_max_temp_file_size 0;

    map $http_upgrade $connection_upgrade {{
        default upgrade;
        "" "";
    }}
    # Session affinity (see the module docstring): the route cookie names the worker ...
    map $cookie_{ROUTE_COOKIE} $lotse_upstream {{
{route_entries}
        default lotse_workers;
    }}
    # ... which worker answered (1..N; after a failover the last one tried) ...
    map $upstream_addr $lotse_worker {{
{worker_names}
        default "";
    }}
    # ... and the cookie is (re)set when it is missing or names another worker than the one that answered.
    map "$cookie_{ROUTE_COOKIE}:$lotse_worker" $lotse_route_cookie {{
        "~^([0-9]+):\\1$" "";
        "~:$" "";
        default "{ROUTE_COOKIE}=$lotse_worker; Path=/; HttpOnly; SameSite=Lax{secure}";
    }}

    upstream lotse_workers {{
{servers}
        keepalive 16;
    }}
{per_worker}
    server {{
        {listen_line}
{tls_lines}{security_headers(tls is not None)}
        add_header Set-Cookie $lotse_route_cookie always;  # always: also on the websocket's 101
        add_header X-Lotse-Worker $lotse_worker always;

        proxy_http_version 1.1;
        proxy_set_header Host $host;
        proxy_set_header X-Real-IP $remote_addr;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_next_upstream error timeout http_502;
        proxy_connect_timeout 5s;

        # Streamlit's Prometheus metrics and the agent API are not for the public.
        location ^~ /_stcore/metrics {{
            return 404;
        }}
        location ^~ /_stcore/agent {{
            return 404;
        }}

        location = /_stcore/stream {{
            proxy_pass http://$lotse_upstream;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_read_timeout {WEBSOCKET_READ_TIMEOUT};
            proxy_send_timeout {WEBSOCKET_READ_TIMEOUT};
            proxy_buffering off;
        }}

        location / {{
            proxy_pass http://$lotse_upstream;
            proxy_set_header Connection "";
            proxy_read_timeout 120s;
        }}
    }}
}}
"""
