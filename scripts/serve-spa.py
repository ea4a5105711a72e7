#!/usr/bin/env python3
"""Serves a single-page app's build (trunk's dist/) on loopback: files as they are, and
index.html for any other path without a file extension, so that /notes or /profile load the app
(its router takes over from there).

    scripts/serve-spa.py DIR [--bind 127.0.0.1] [--port 8080] [--config FILE]

--port 0 lets the system pick a free port; the first line on stdout names the address
("demo app on http://127.0.0.1:PORT/").

--config FILE: a JSON object that is put into index.html, as it is served, as
<script id="cognito-demo-config" type="application/json">...</script> (the demo app reads its
pool, client and URLs from it: crates/demo/src/config.rs). The file is read on every request,
so it may be written after this server has started (scripts/demo.sh does, once it knows the
ports of the other servers); until it exists index.html is answered with 503.
"""
import argparse
import functools
import http.server
import io
import json
import os
import sys

CONFIG_ELEMENT_ID = "cognito-demo-config"


def config_block(path):
    """The <script> element for the JSON object in `path`, or None while the file is missing."""
    try:
        with open(path, encoding="utf-8") as f:
            value = json.load(f)
    except FileNotFoundError:
        return None
    if not isinstance(value, dict):
        raise ValueError(f"{path}: not a JSON object")
    # "</" cannot end the script element early once escaped; JSON reads "<\/" as "</".
    text = json.dumps(value).replace("</", "<\\/")
    return f'<script id="{CONFIG_ELEMENT_ID}" type="application/json">{text}</script>'


class SpaHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm",
        ".js": "text/javascript",
    }
    config = None  # the --config path

    def send_head(self):
        path = self.translate_path(self.path)
        last = self.path.split("?", 1)[0].rsplit("/", 1)[-1]
        if not os.path.exists(path) and "." not in last:
            self.path = "/index.html"
        if self.config and self.path.split("?", 1)[0] in ("/", "/index.html"):
            return self.send_index()
        return super().send_head()

    def send_index(self):
        block = config_block(self.config)
        if block is None:
            self.send_error(503, "starting: the app's configuration is not written yet")
            return None
        with open(os.path.join(self.directory, "index.html"), encoding="utf-8") as f:
            html = f.read()
        if "</head>" not in html:
            self.send_error(500, "index.html has no </head>")
            return None
        body = html.replace("</head>", f"  {block}\n  </head>", 1).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def end_headers(self):
        # The app is rebuilt in place; never serve a stale index.html.
        if self.path.split("?", 1)[0] in ("/", "/index.html"):
            self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, fmt, *args):  # quiet: the demo prints its own summary
        pass


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("dir")
    p.add_argument("--bind", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8080)
    p.add_argument("--config", help="JSON file put into index.html as the app's configuration")
    a = p.parse_args()
    if not os.path.isfile(os.path.join(a.dir, "index.html")):
        sys.exit(f"{a.dir}/index.html not found: build the app first (trunk build --release)")
    handler = functools.partial(
        type("Handler", (SpaHandler,), {"config": a.config}), directory=a.dir
    )
    with http.server.ThreadingHTTPServer((a.bind, a.port), handler) as httpd:
        print(f"demo app on http://{a.bind}:{httpd.server_address[1]}/", flush=True)
        httpd.serve_forever()


if __name__ == "__main__":
    main()
