# Hostile: phone home to a listener the test started on the grader's
# 127.0.0.1. Expected: no connection (the sandbox has no network at all).
import socket
for host in ["127.0.0.1", "localhost", "::1"]:
    try:
        s = socket.create_connection((host, @PORT@), timeout=2)
        s.sendall(b"stolen")
        print("CONNECTED", host)
    except OSError as err:
        print("blocked", host, type(err).__name__)
