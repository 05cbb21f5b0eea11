"""Moves inline <script> blocks of a built index.html into files beside it.

Trunk 0.21 writes its wasm loader as an inline module script; a page served with a strict CSP
(no 'unsafe-inline') would refuse it. The moved script is named by its content hash, so caches
stay correct, and the page keeps working unchanged otherwise.
"""

import hashlib
import pathlib
import re
import sys

dist = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "dist")
index = dist / "index.html"
html = index.read_text(encoding="utf-8")
pattern = re.compile(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.S)
moved = 0


def move(match: re.Match) -> str:
    global moved
    attrs, body = match.group("attrs"), match.group("body")
    if "src=" in attrs or not body.strip():
        return match.group(0)
    name = "boot-" + hashlib.sha256(body.encode()).hexdigest()[:16] + ".js"
    (dist / name).write_text(body, encoding="utf-8")
    moved += 1
    attrs = re.sub(r"\s+(nonce|integrity)=\"[^\"]*\"", "", attrs)
    return f'<script{attrs} src="./{name}"></script>'


html = pattern.sub(move, html)
index.write_text(html, encoding="utf-8")
print(f"strict-csp: moved {moved} inline script(s) out of {index}")
