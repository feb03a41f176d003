"""A small sticky proxy: every request of one browser goes to the same worker process.

A Streamlit session lives in one process's memory, and so do its uploads (``/_stcore/upload_file``) and its
downloads (``/media``): they must reach the process that holds the websocket. Like the shipped nginx config,
the first response sets a ``rehab_worker`` cookie (a name of its own, so nginx's ``rehab_route`` can sit in
front) and the cookie picks the worker; if that worker does not answer, the next one is tried, so only that
worker's browsers move (and stay signed in: the sign-in is the session cookie, checked against the database by
whichever worker serves it).

A new browser is given the worker with the fewest browsers on it (least connections: its open websockets, and
the browsers given it in the last ``PENDING_S`` seconds that have not opened theirs yet; ties go round in turn),
through a random route value that maps to that worker. Ten clinicians arriving together on two workers are split
5/5, where random routes split them 6/4, 7/3 or worse; the cookie, its format and each route's failover order
are what they were.

Each plain HTTP request is sent upstream with ``Connection: close`` and its connection closed after the
answer, so a kept-alive connection can never carry a later request (with a route cookie it did not have) to
another worker. A websocket upgrade is passed through both ways until either side closes. A request without a
body (a page, a websocket's upgrade) that a worker drops unanswered, as one that is dying or starting does, is
sent to the next worker; one with a body (an upload, the sign-in form) is never sent twice.
"""

from __future__ import annotations

import asyncio
import re
import secrets
import time
import zlib
from collections.abc import Callable, Sequence

ROUTE_COOKIE = "rehab_worker"
_HEAD_LIMIT = 64 * 1024
HEAD_TIMEOUT_S = 30.0
PENDING_S = 30.0  # a browser given a worker counts there until its websocket opens, or this long
DOWN_S = 5.0  # a worker that refused a connection is given no new browsers for this long
_COOKIE = re.compile(rb"(?:^|;)\s*" + ROUTE_COOKIE.encode() + rb"=([A-Za-z0-9]{1,64})")
_BAD_GATEWAY = (
    b"HTTP/1.1 502 Bad Gateway\r\ncontent-type: text/plain\r\nconnection: close\r\ncontent-length: 44\r\n\r\n"
    b"The app is starting or restarting; retry.\r\n\r\n"
)


def worker_order(route: str, workers: int) -> list[int]:
    """The worker a route belongs to, then the others in turn (tried when it does not answer)."""
    first = zlib.crc32(route.encode()) % workers
    return [(first + step) % workers for step in range(workers)]


def route_for(worker: int, workers: int) -> str:
    """A new random route whose own worker is ``worker`` (about ``workers`` draws)."""
    while True:
        route = secrets.token_hex(8)
        if worker_order(route, workers)[0] == worker:
            return route


class Balance:
    """Which worker a new browser is given: the one with the fewest browsers now (least connections).

    A browser counts on a worker while its websocket is open there, and from its first page until that websocket
    opens (at most ``PENDING_S``): browsers that arrive together have none open yet. Ties go round in turn, and a
    worker that refused a connection in the last ``DOWN_S`` seconds is passed over while another answers.
    """

    def __init__(self, workers: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.workers = workers
        self.clock = clock
        self.streams = [0] * workers  # open websockets per worker
        # route → (its worker, when given), oldest first, while its websocket has not opened; counted per worker
        self.pending: dict[str, tuple[int, float]] = {}
        self.waiting = [0] * workers
        self.down_until = [0.0] * workers
        self.turn = 0

    def _forget(self, route: str) -> None:
        worker, _ = self.pending.pop(route)
        self.waiting[worker] -= 1

    def browsers(self) -> list[int]:
        """Each worker's browsers now: open websockets, and browsers given it whose websocket is still to come."""
        now = self.clock()
        while self.pending:  # the oldest first: each is looked at once, however many browsers arrive
            route, (_, given) = next(iter(self.pending.items()))
            if now - given < PENDING_S:
                break
            self._forget(route)
        return [open_ + due for open_, due in zip(self.streams, self.waiting, strict=True)]

    def choose(self) -> int:
        counts, now = self.browsers(), self.clock()
        turns = [(self.turn + step) % self.workers for step in range(self.workers)]
        up = [w for w in turns if self.down_until[w] <= now] or turns
        chosen = min(up, key=lambda w: counts[w])  # the first of the least loaded, in turn
        self.turn = (chosen + 1) % self.workers
        return chosen

    def new_route(self, *, counted: bool = True) -> str:
        """A route for a new browser; ``counted`` (a page, not a probe of the health endpoint) holds its place."""
        worker = self.choose()
        route = route_for(worker, self.workers)
        if counted:
            self.pending[route] = (worker, self.clock())
            self.waiting[worker] += 1
        return route

    def opened(self, route: str, worker: int) -> None:
        if route in self.pending:
            self._forget(route)
        self.streams[worker] += 1

    def closed(self, worker: int) -> None:
        self.streams[worker] = max(0, self.streams[worker] - 1)

    def refused(self, worker: int) -> None:
        self.down_until[worker] = self.clock() + DOWN_S


def _split_head(head: bytes) -> tuple[bytes, list[bytes]]:
    lines = head.split(b"\r\n")
    return lines[0], [line for line in lines[1:] if line]


def _header(lines: Sequence[bytes], name: bytes) -> bytes:
    for line in lines:
        key, _, value = line.partition(b":")
        if key.strip().lower() == name:
            return value.strip()
    return b""


def route_of(lines: Sequence[bytes]) -> str | None:
    for line in lines:
        key, _, value = line.partition(b":")
        if key.strip().lower() == b"cookie":
            match = _COOKIE.search(value)
            if match:
                return match.group(1).decode()
    return None


def upstream_head(request_line: bytes, lines: Sequence[bytes], *, websocket: bool) -> bytes:
    """The request head as sent to the worker: one request per connection unless it is a websocket."""
    kept = list(lines)
    if not websocket:
        kept = [line for line in kept if line.partition(b":")[0].strip().lower() not in (b"connection", b"keep-alive")]
        kept.append(b"Connection: close")
    return b"\r\n".join([request_line, *kept]) + b"\r\n\r\n"


def with_cookie(response_head: bytes, route: str) -> bytes:
    status, _, rest = response_head.partition(b"\r\n")
    cookie = f"Set-Cookie: {ROUTE_COOKIE}={route}; Path=/; HttpOnly; SameSite=Lax".encode()
    return status + b"\r\n" + cookie + b"\r\n" + rest


async def _pump(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while chunk := await reader.read(65536):
            writer.write(chunk)
            await writer.drain()
        if writer.can_write_eof():
            writer.write_eof()
    except (ConnectionError, OSError):
        pass


Stream = tuple[asyncio.StreamReader, asyncio.StreamWriter]
_READ_ERRORS = (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError)


def retryable(request_line: bytes, lines: Sequence[bytes]) -> bool:
    """A request without a body may be sent again to the next worker if one closes without answering."""
    method = request_line.split(b" ", 1)[0].upper()
    has_body = _header(lines, b"content-length") not in (b"", b"0") or bool(_header(lines, b"transfer-encoding"))
    return method in (b"GET", b"HEAD", b"OPTIONS") and not has_body


class StickyProxy:
    def __init__(self, workers: Sequence[tuple[str, int]]) -> None:
        self.workers = list(workers)
        self.balance = Balance(len(self.workers))

    async def _ask(self, route: str, head: bytes, *, retry: bool) -> tuple[int, Stream, bytes] | None:
        """The worker that took ``head``: its index, connection, and its response head if ``retry`` (else b"").

        With ``retry``, a worker that refuses the connection or closes it before answering (one that is dying
        or still starting) is passed over for the next; otherwise the first worker that accepts is used.
        """
        for index in worker_order(route, len(self.workers)):
            host, port = self.workers[index]
            try:
                reader, writer = await asyncio.open_connection(host, port)
            except OSError:
                self.balance.refused(index)
                continue
            try:
                writer.write(head)
                await writer.drain()
                return index, (reader, writer), (await reader.readuntil(b"\r\n\r\n") if retry else b"")
            except (*_READ_ERRORS, OSError):
                writer.close()
                if not retry:
                    return None
        return None

    async def handle(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        upstream_w: asyncio.StreamWriter | None = None
        streaming: int | None = None  # the worker whose open websocket this is
        try:
            try:  # a client that never finishes its request head is not waited for
                head = await asyncio.wait_for(client_r.readuntil(b"\r\n\r\n"), HEAD_TIMEOUT_S)
            except (*_READ_ERRORS, TimeoutError):
                return
            request_line, lines = _split_head(head[:-4])
            websocket = _header(lines, b"upgrade").lower() == b"websocket"
            route = route_of(lines)
            new_route = route is None
            if route is None:
                path = request_line.split(b" ")[1] if request_line.count(b" ") >= 2 else b""
                route = self.balance.new_route(counted=websocket or not path.startswith(b"/_stcore/"))
            retry = retryable(request_line, lines)
            asked = await self._ask(route, upstream_head(request_line, lines, websocket=websocket), retry=retry)
            if asked is None:
                client_w.write(_BAD_GATEWAY)
                await client_w.drain()
                return
            index, (upstream_r, upstream_w), response_head = asked
            if websocket:
                self.balance.opened(route, index)
                streaming = index
            to_upstream = asyncio.create_task(_pump(client_r, upstream_w))
            if not response_head:
                try:
                    response_head = await upstream_r.readuntil(b"\r\n\r\n")
                except _READ_ERRORS:
                    to_upstream.cancel()
                    return
            client_w.write(with_cookie(response_head, route) if new_route else response_head)
            await _pump(upstream_r, client_w)
            to_upstream.cancel()
        finally:
            if streaming is not None:
                self.balance.closed(streaming)
            for writer in (client_w, upstream_w):
                if writer is not None:
                    writer.close()


async def serve(address: str, port: int, workers: Sequence[tuple[str, int]]) -> asyncio.Server:
    proxy = StickyProxy(workers)
    return await asyncio.start_server(proxy.handle, address, port, limit=_HEAD_LIMIT, reuse_address=True)
