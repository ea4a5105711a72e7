#!/usr/bin/env python3
"""Serves a single-page app's build (trunk's dist/) on loopback: files as they are, and
index.html for any other path without a file extension, so that /notes or /profile load the app
(its router takes over from there).

    scripts/serve-spa.py DIR [--bind 127.0.0.1] [--port 8080]
"""
import argparse
import functools
import http.server
import os
import sys


class SpaHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm",
        ".js": "text/javascript",
    }

    def send_head(self):
        path = self.translate_path(self.path)
        last = self.path.split("?", 1)[0].rsplit("/", 1)[-1]
        if not os.path.exists(path) and "." not in last:
            self.path = "/index.html"
        return super().send_head()

    def end_headers(self):
        # The app is rebuilt in place; never serve a stale index.html.
        if self.path.endswith("/index.html") or self.path == "/":
            self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, fmt, *args):  # quiet: the demo prints its own summary
        pass


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("dir")
    p.add_argument("--bind", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8080)
    a = p.parse_args()
    if not os.path.isfile(os.path.join(a.dir, "index.html")):
        sys.exit(f"{a.dir}/index.html not found: build the app first (trunk build --release)")
    handler = functools.partial(SpaHandler, directory=a.dir)
    with http.server.ThreadingHTTPServer((a.bind, a.port), handler) as httpd:
        print(f"demo app on http://{a.bind}:{httpd.server_address[1]}/", flush=True)
        httpd.serve_forever()


if __name__ == "__main__":
    main()
