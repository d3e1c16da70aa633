"""An HTTPS webhook receiver on 127.0.0.1 for the tests: Python's
http.server with TLS, its certificate from tests/fixtures/tls_certs.sh
(signed by the test CA the test puts into the prefix's Root store). It
keeps every request (path, headers, body); what it answers depends on the
path: /ok/ 200, /fail/ 500 with a control sequence in its body, /slow/
after 10 s, /redirect/ 302, /flaky/ 500 for the first `flaky` requests
and 200 after."""

import http.server
import ssl
import threading
import time


class Receiver(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, certs, cert, flaky=0):
        super().__init__(("127.0.0.1", 0), Handler)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(certs / (cert + ".pem"), certs / (cert + ".key"))
        self.socket = ctx.wrap_socket(self.socket, server_side=True)
        self.requests = []
        self.flaky = flaky
        self.port = self.server_address[1]
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def handle_error(self, request, client_address):
        pass  # a refused handshake (the untrusted case) is expected

    def stop(self):
        self.shutdown()
        self.server_close()


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.server.requests.append({"path": self.path, "headers": dict(self.headers),
                                     "body": body})
        failing = self.path.startswith("/fail/")
        if self.path.startswith("/flaky/") and self.server.flaky > 0:
            self.server.flaky -= 1
            failing = True
        if self.path.startswith("/slow/"):
            time.sleep(10)
        if self.path.startswith("/redirect/"):
            self.send_response(302)
            self.send_header("Location", "https://localhost:%d/ok/elsewhere" % self.server.port)
            answer = b""
        elif failing:
            self.send_response(500)
            answer = b"down for maintenance \x1b[31mred\n"
        else:
            self.send_response(200)
            answer = b'{"ok":true}\n'
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass
