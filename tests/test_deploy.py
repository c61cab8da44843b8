"""deploy.serve and deploy.nginx without starting anything: the cookie secret, the workers'
environment, the generated nginx.conf and the documented server block (both checked by `nginx -t`)."""

from __future__ import annotations

import re
import stat
import subprocess
from pathlib import Path

import pytest

from deploy import nginx
from deploy.serve import COOKIE_SECRET_FILE, cookie_secret, parse_args, worker_environment
from tls_certificate import self_signed

ROOT = Path(__file__).resolve().parent.parent
NGINX = Path("/usr/sbin/nginx")
OPERATIONS = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")


def nginx_test(config: Path, runtime: Path) -> subprocess.CompletedProcess:
    if not NGINX.exists():
        pytest.fail("These tests need Debian's nginx: apt-get install -y nginx-light (scripts/test.sh does this "
                    "when run as root)", pytrace=False)
    return subprocess.run([str(NGINX), "-t", "-p", str(runtime), "-c", str(config), "-e", "stderr"],
                          capture_output=True, text=True, timeout=30)


def test_cookie_secret_is_made_once_private_and_configurable(tmp_path):
    first = cookie_secret(tmp_path, {})
    assert len(first) >= 40
    assert stat.S_IMODE((tmp_path / COOKIE_SECRET_FILE).stat().st_mode) == 0o600
    assert cookie_secret(tmp_path, {}) == first  # every worker, every start: the same
    assert cookie_secret(tmp_path, {"STREAMLIT_SERVER_COOKIE_SECRET": "aus-der-umgebung"}) == "aus-der-umgebung"


def test_workers_trust_only_the_local_proxy_and_get_the_rest_of_the_environment():
    env = worker_environment({"LOTSE_DATABASE_URL": "postgresql:///lotse", "LOTSE_TRUSTED_PROXIES": "0.0.0.0/0",
                              "LOTSE_DEMO": "1"}, "geheim")
    assert env["LOTSE_TRUSTED_PROXIES"] == "127.0.0.1"
    assert env["LOTSE_DATABASE_URL"] == "postgresql:///lotse" and env["LOTSE_DEMO"] == "1"
    assert env["STREAMLIT_SERVER_COOKIE_SECRET"] == "geheim"


def test_worker_ports_follow_the_first_port_or_the_list():
    assert parse_args(["--workers", "3", "--first-worker-port", "9001"]).worker_ports == [9001, 9002, 9003]
    assert parse_args(["--workers", "2", "--worker-ports", "7001,7005"]).worker_ports == [7001, 7005]
    with pytest.raises(SystemExit):
        parse_args(["--workers", "2", "--worker-ports", "7001"])
    with pytest.raises(SystemExit):
        parse_args(["--workers", "0"])


@pytest.mark.parametrize("tls", [False, True])
def test_generated_config_is_accepted_by_nginx(tmp_path, tls):
    certificate = None
    if tls:
        certificate = nginx.Tls(*self_signed(tmp_path))
    config = tmp_path / "nginx.conf"
    config.write_text(nginx.render(listen="127.0.0.1:8501", worker_ports=[8601, 8602], runtime=tmp_path,
                                   tls=certificate), encoding="utf-8")
    checked = nginx_test(config, tmp_path)
    assert checked.returncode == 0, checked.stderr
    text = config.read_text()
    # every worker has its own upstream (cookie "N") with the others as backups, plus one for new browsers
    assert "upstream lotse_worker_2 {\n        server 127.0.0.1:8602 max_fails=1" in text
    assert "server 127.0.0.1:8601 backup;" in text and text.count("server 127.0.0.1:86") == 6
    assert ("Strict-Transport-Security" in text) is tls


def test_documented_server_block_matches_the_generated_headers_and_is_valid(tmp_path):
    block = re.search(r"```nginx\n(.*?)```", OPERATIONS, re.DOTALL).group(1)
    generated = nginx.render(listen="127.0.0.1:8501", worker_ports=[8601, 8602], runtime=tmp_path,
                             tls=nginx.Tls(Path("c"), Path("k")))
    documented = {" ".join(line.split("  #")[0].split()) for line in block.splitlines()}  # without comments
    for line in re.findall(r"add_header .*? always;", generated):
        assert " ".join(line.split()) in documented, line
    cert, key = self_signed(tmp_path)
    block = block.replace("/etc/ssl/lotse/fullchain.pem", str(cert)).replace("/etc/ssl/lotse/privkey.pem", str(key))
    config = tmp_path / "documented.conf"
    config.write_text(f"pid {tmp_path}/nginx.pid;\nevents {{}}\nhttp {{\n"
                      + "".join(f"{kind}_temp_path {tmp_path}/{kind};\n"
                                for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
                      + f"access_log off;\n{block}\n}}\n", encoding="utf-8")
    checked = nginx_test(config, tmp_path)
    assert checked.returncode == 0, checked.stderr
