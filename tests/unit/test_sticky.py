"""The sticky proxy's rules (rehab/web/sticky.py): which worker a browser belongs to, and what is sent upstream."""

from __future__ import annotations

from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from rehab.web import sticky


@given(st.text(alphabet="0123456789abcdef", min_size=1, max_size=32), st.integers(min_value=1, max_value=16))
def test_a_route_tries_its_own_worker_then_every_other_once(route: str, workers: int) -> None:
    order = sticky.worker_order(route, workers)
    assert sorted(order) == list(range(workers))
    assert order == sticky.worker_order(route, workers)  # the same browser, the same worker, every time


def test_new_browsers_are_spread_over_the_workers() -> None:
    firsts = Counter(sticky.worker_order(f"{n:016x}", 2)[0] for n in range(1000))
    assert set(firsts) == {0, 1} and min(firsts.values()) > 300


def test_the_route_cookie_is_read_among_others_and_junk_is_ignored() -> None:
    lines = [b"Host: x", b"Cookie: a=1; rehab_worker=0a1b2c; rehab_session=zz"]
    assert sticky.route_of(lines) == "0a1b2c"
    assert sticky.route_of([b"Cookie: rehab_worker=<script>"]) is None
    assert sticky.route_of([b"Cookie: other_rehab_worker=abc"]) is None
    assert sticky.route_of([b"Host: x"]) is None


def test_plain_requests_go_upstream_one_per_connection_and_websockets_as_they_are() -> None:
    lines = [b"Host: x", b"Connection: keep-alive", b"Keep-Alive: timeout=5"]
    head = sticky.upstream_head(b"GET / HTTP/1.1", lines, websocket=False)
    assert head == b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    upgrade = [b"Host: x", b"Connection: Upgrade", b"Upgrade: websocket"]
    head = sticky.upstream_head(b"GET /_stcore/stream HTTP/1.1", upgrade, websocket=True)
    assert head == b"GET /_stcore/stream HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n"


def test_a_new_browser_gets_its_route_cookie_after_the_status_line() -> None:
    answer = sticky.with_cookie(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n", "00ff")
    assert answer == (
        b"HTTP/1.1 200 OK\r\nSet-Cookie: rehab_worker=00ff; Path=/; HttpOnly; SameSite=Lax\r\ncontent-length: 2\r\n\r\n"
    )


def test_only_requests_without_a_body_are_sent_again_to_another_worker() -> None:
    assert sticky.retryable(b"GET /dashboard?patient=3 HTTP/1.1", [b"Host: x"])
    assert sticky.retryable(b"GET /_stcore/stream HTTP/1.1", [b"Upgrade: websocket", b"Content-Length: 0"])
    assert not sticky.retryable(b"POST /auth/signin HTTP/1.1", [b"Content-Length: 40"])
    assert not sticky.retryable(b"PUT /_stcore/upload_file/s/f HTTP/1.1", [b"Transfer-Encoding: chunked"])
    assert not sticky.retryable(b"GET /odd HTTP/1.1", [b"Content-Length: 12"])
