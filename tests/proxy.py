"""A TCP proxy for tests, put between the app and PostgreSQL or Redis, that can cut the line.

up: bytes flow both ways. cut(): every open connection is dropped, and new ones are closed as
soon as they arrive (a database restarting, a fail-over). silence(): connections stay open but
nothing flows, new ones included (a network partition that drops packets without a word).
restore(): up again, for new connections.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time

UP, CUT, SILENT = "up", "cut", "silent"


class TcpProxy:
    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.mode = UP
        self.sockets: list[socket.socket] = []
        self.lock = threading.Lock()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def cut(self) -> None:
        self.mode = CUT
        self._drop_all()

    def silence(self) -> None:
        self.mode = SILENT

    def restore(self) -> None:
        self.mode = UP

    def close(self) -> None:
        self.closed = True
        self.listener.close()
        self._drop_all()

    def _drop_all(self) -> None:
        with self.lock:
            for sock in self.sockets:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self.sockets.clear()

    def _accept(self) -> None:
        while not self.closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self.mode == CUT:
                client.close()
                continue
            with self.lock:
                self.sockets.append(client)
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        while self.mode == SILENT and not self.closed:
            time.sleep(0.05)  # hold the connection: the caller waits for an answer
        try:
            upstream = socket.create_connection(self.target)
        except OSError:
            client.close()
            return
        with self.lock:
            self.sockets.append(upstream)
        for source, sink in ((client, upstream), (upstream, client)):
            threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while True:
                while self.mode == SILENT and not self.closed:
                    time.sleep(0.05)
                data = source.recv(65536)
                if not data:
                    break
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
