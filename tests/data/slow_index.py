"""A deliberately slow find-links page on loopback, to keep pip busy in a test.

Usage: python slow_index.py DELAY_SECONDS — prints the URL, then answers every request after
DELAY_SECONDS with an empty link page. Exits after 5 minutes at the latest.
"""
import http.server
import sys
import threading
import time

delay = float(sys.argv[1])


class Slow(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        time.sleep(delay)
        body = b"<html><body></body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
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
