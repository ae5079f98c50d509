"""Loaded at start-up by every Python process of the test suite (see tools/offline.py).

When MLOPS_OFFLINE_GUARD=1, refuse socket connections to anything but loopback
and Unix sockets, so a library that tries to phone home fails loudly in the tests.
"""

import os

if os.environ.get("MLOPS_OFFLINE_GUARD") == "1":
    import ipaddress
    import socket

    class OfflineError(ConnectionRefusedError):
        pass

    def _allowed(address):
        if not isinstance(address, tuple):  # AF_UNIX paths
            return True
        host = address[0]
        if host in ("localhost", ""):
            return True
        try:
            return ipaddress.ip_address(host.split("%")[0]).is_loopback
        except ValueError:
            return False  # a host name: resolving it would already be network traffic

    _connect, _connect_ex = socket.socket.connect, socket.socket.connect_ex

    def connect(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _allowed(address):
            raise OfflineError(f"offline test run: connection to {address!r} refused (only 127.0.0.1 is allowed)")
        return _connect(self, address)

    def connect_ex(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _allowed(address):
            raise OfflineError(f"offline test run: connection to {address!r} refused (only 127.0.0.1 is allowed)")
        return _connect_ex(self, address)

    socket.socket.connect = connect
    socket.socket.connect_ex = connect_ex
    socket.OfflineError = OfflineError
