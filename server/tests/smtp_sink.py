"""A real SMTP server on loopback for the invitation-email test (aiosmtpd, from PyPI).

Prints `PORT <n>` once listening, then one JSON line per message received:
{"from": ..., "to": [...], "data": ...}. Stops when its standard input closes."""
import json
import socket
import sys

from aiosmtpd.controller import Controller


class Print:
    async def handle_DATA(self, server, session, envelope):
        print(json.dumps({"from": envelope.mail_from, "to": envelope.rcpt_tos,
                          "data": envelope.content.decode("utf-8", "replace")}), flush=True)
        return "250 OK"


with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
controller = Controller(Print(), hostname="127.0.0.1", port=port)
controller.start()
print(f"PORT {port}", flush=True)
sys.stdin.read()
controller.stop()
