"""A deliberately slow find-links page on loopback, to keep pip busy in a test.

Usage: python slow_index.py DELAY_SECONDS [WHEEL_DIR]
Prints its URL, then serves a link page (and the wheels) of WHEEL_DIR. The first request waits
DELAY_SECONDS; later ones are answered at once, so a second run against the same URL (the same
pip settings, so the same environment cache key) is fast. Exits after 5 minutes at the latest.
"""
import html
import http.server
import os
import sys
import threading
import time

delay = float(sys.argv[1])
wheels = sys.argv[2] if len(sys.argv) > 2 else None
first = threading.Lock()


class Slow(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if first.acquire(blocking=False):
            time.sleep(delay)
        name = os.path.basename(self.path)
        if wheels and name.endswith(".whl") and os.path.exists(os.path.join(wheels, name)):
            with open(os.path.join(wheels, name), "rb") as f:
                body = f.read()
            kind = "application/octet-stream"
        else:
            links = "".join(f'<a href="{html.escape(n)}">{html.escape(n)}</a>\n'
                            for n in sorted(os.listdir(wheels)) if n.endswith(".whl")) if wheels else ""
            body = f"<html><body>\n{links}</body></html>".encode()
            kind = "text/html"
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Slow)
server.daemon_threads = True
threading.Timer(300, server.shutdown).start()
print(f"http://127.0.0.1:{server.server_address[1]}/", flush=True)
server.serve_forever()
