"""The sticky proxy's rules (rehab/web/sticky.py): which worker a browser belongs to, and what is sent upstream."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rehab.web import sticky

Stream = tuple[asyncio.StreamReader, asyncio.StreamWriter]


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


class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _firsts(routes: list[str], workers: int) -> Counter[int]:
    return Counter(sticky.worker_order(route, workers)[0] for route in routes)


@given(st.integers(min_value=0, max_value=15), st.integers(min_value=1, max_value=16))
def test_a_route_made_for_a_worker_belongs_to_it(worker: int, workers: int) -> None:
    worker %= workers
    route = sticky.route_for(worker, workers)
    assert sticky.worker_order(route, workers)[0] == worker
    assert sticky.route_of([f"Cookie: {sticky.ROUTE_COOKIE}={route}".encode()]) == route  # the cookie's format


@pytest.mark.parametrize("workers", [2, 3, 4])
def test_browsers_arriving_together_are_split_evenly(workers: int) -> None:
    balance = sticky.Balance(workers, clock=_Clock())
    routes = [balance.new_route() for _ in range(10 * workers)]  # none has opened its websocket yet
    assert _firsts(routes, workers) == dict.fromkeys(range(workers), 10)
    assert len(set(routes)) == len(routes)


def test_a_new_browser_goes_to_the_worker_with_the_fewest_open_websockets() -> None:
    balance = sticky.Balance(2, clock=_Clock())
    for _ in range(3):
        balance.opened(sticky.route_for(0, 2), 0)  # three tabs open on worker 0 (browsers from before)
    routes = [balance.new_route() for _ in range(5)]
    assert _firsts(routes, 2) == {0: 1, 1: 4}  # worker 1 catches up (3 + 1 = 4), then they alternate
    for route in routes:
        balance.opened(route, sticky.worker_order(route, 2)[0])
    assert balance.streams == [4, 4]
    for _ in range(4):
        balance.closed(1)  # worker 1's clinicians close their tabs
    assert _firsts([balance.new_route() for _ in range(4)], 2) == {1: 4}


def test_a_browser_that_never_opens_a_websocket_stops_counting_after_a_while() -> None:
    clock = _Clock()
    balance = sticky.Balance(2, clock=clock)
    first = balance.new_route()
    assert balance.browsers() == [1, 0] or balance.browsers() == [0, 1]
    clock.now += sticky.PENDING_S
    assert balance.browsers() == [0, 0]
    balance.opened(first, 0)
    assert balance.browsers() == [1, 0]


def test_health_probes_hold_no_place() -> None:
    balance = sticky.Balance(2, clock=_Clock())
    for _ in range(7):
        balance.new_route(counted=False)
    assert balance.browsers() == [0, 0]
    assert _firsts([balance.new_route() for _ in range(6)], 2) == {0: 3, 1: 3}


def test_a_worker_that_refused_a_connection_gets_no_new_browsers_for_a_while() -> None:
    clock = _Clock()
    balance = sticky.Balance(3, clock=clock)
    balance.refused(1)
    assert 1 not in _firsts([balance.new_route() for _ in range(6)], 3)
    clock.now += sticky.DOWN_S
    assert _firsts([balance.new_route() for _ in range(3)], 3) == {1: 3}  # it is back, and the least loaded


def _serve_stub(name: bytes) -> Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]:
    """A worker that answers any request with its name; a websocket upgrade is answered and held open."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        if b"upgrade: websocket" in head.lower():
            writer.write(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nX-Worker: " + name + b"\r\n\r\n")
            await writer.drain()
            await reader.read()  # until the client goes
        else:
            writer.write(b"HTTP/1.1 200 OK\r\nX-Worker: " + name + b"\r\nContent-Length: 2\r\n\r\nok")
            await writer.drain()
        writer.close()

    return handle


async def _ask_proxy(port: int, path: str, cookie: str = "", *, websocket: bool = False) -> tuple[Stream, bytes]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    lines = [f"GET {path} HTTP/1.1", "Host: x"]
    if cookie:
        lines.append(f"Cookie: {sticky.ROUTE_COOKIE}={cookie}")
    if websocket:
        lines += ["Connection: Upgrade", "Upgrade: websocket"]
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
    await writer.drain()
    return (reader, writer), await reader.readuntil(b"\r\n\r\n")


def _answer_header(head: bytes, name: bytes) -> str:
    for line in head.split(b"\r\n"):
        key, _, value = line.partition(b":")
        if key.strip().lower() == name:
            return value.strip().decode()
    return ""


def test_the_proxy_spreads_new_browsers_and_counts_their_websockets() -> None:
    async def scenario() -> None:
        stubs = [await asyncio.start_server(_serve_stub(n), "127.0.0.1", 0) for n in (b"w0", b"w1")]
        ports = [stub.sockets[0].getsockname()[1] for stub in stubs]
        proxy = sticky.StickyProxy([("127.0.0.1", p) for p in ports])
        front = await asyncio.start_server(proxy.handle, "127.0.0.1", 0)
        port = front.sockets[0].getsockname()[1]
        try:
            served: list[str] = []
            routes: list[str] = []
            for _ in range(3):  # monitoring: no route held
                (_, writer), head = await _ask_proxy(port, "/_stcore/health")
                writer.close()
            for _ in range(6):  # six browsers' first pages, before any has opened its websocket
                (_, writer), head = await _ask_proxy(port, "/")
                writer.close()
                served.append(_answer_header(head, b"x-worker"))
                cookie = _answer_header(head, b"set-cookie")
                routes.append(cookie.split(";")[0].split("=", 1)[1])
            assert Counter(served) == {"w0": 3, "w1": 3}
            assert [f"w{sticky.worker_order(r, 2)[0]}" for r in routes] == served  # the cookie names the worker
            (_, tab), head = await _ask_proxy(port, "/_stcore/stream", routes[0], websocket=True)
            assert _answer_header(head, b"x-worker") == served[0]
            assert sum(proxy.balance.streams) == 1 and sum(proxy.balance.browsers()) == 6
            tab.close()
            while sum(proxy.balance.streams):  # the proxy sees the tab go
                await asyncio.sleep(0.01)
            assert sum(proxy.balance.browsers()) == 5
        finally:
            front.close()
            for stub in stubs:
                stub.close()

    asyncio.run(asyncio.wait_for(scenario(), 30))
