"""The shipped deploy/nginx.conf, rewritten for a test: local ports, a throw-away certificate, logs in tmp."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "deploy" / "nginx.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
NOT_INSTALLED = "nginx is not installed; .ci/run installs Debian's nginx-light"


def _swap(text: str, old: str, new: str, count: int = 1) -> str:
    """Replace a line the shipped file must contain, exactly ``count`` times, so drift breaks the test loudly."""
    found = text.count(old)
    assert found == count, f"deploy/nginx.conf: expected {count} x {old!r}, found {found}"
    return text.replace(old, new)


def nginx_config(tmp: Path, https_port: int, http_port: int, replica_ports: list[int]) -> Path:
    site = SHIPPED.read_text()
    site = _swap(site, "listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;")
    site = _swap(site, "listen 80;", f"listen 127.0.0.1:{http_port};")
    site = _swap(site, "server 127.0.0.1:8501 ", f"server 127.0.0.1:{replica_ports[0]} ")
    site = _swap(site, "server 127.0.0.1:8502 ", f"server 127.0.0.1:{replica_ports[1]} ")
    site = _swap(site, "/etc/ssl/rehab/fullchain.pem", str(tmp / "cert.pem"))
    site = _swap(site, "/etc/ssl/rehab/privkey.pem", str(tmp / "key.pem"))
    site = _swap(site, "/var/log/nginx/rehab.access.log", str(tmp / "access.log"))
    site = _swap(site, "/var/log/nginx/rehab.error.log", str(tmp / "error.log"))
    (tmp / "rehab.conf").write_text(site)
    temp_paths = "\n".join(
        f"    {kind}_temp_path {tmp / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    main = tmp / "nginx.conf"
    main.write_text(
        f"worker_processes 1;\npid {tmp / 'nginx.pid'};\nerror_log {tmp / 'main-error.log'} info;\n"
        f"events {{ worker_connections 256; }}\nhttp {{\n{temp_paths}\n    include {tmp / 'rehab.conf'};\n}}\n"
    )
    return main


def self_signed(tmp: Path) -> None:
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-days", "1", "-subj", "/CN=127.0.0.1", "-keyout", str(tmp / "key.pem"), "-out", str(tmp / "cert.pem")],
        check=True, capture_output=True,
    )  # fmt: skip
