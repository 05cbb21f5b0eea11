#!/usr/bin/env python3
"""Fails when the imports between a crate's files form a cycle, when a layer of the widget
imports from a layer above it, or when a source file is longer than MAX_LINES.

Reads every `use crate::…`, `use super::…` and `use self::…` (and `pub use`) of each crate's
`src/`, resolves each imported name to the file that defines it (following a `mod.rs`/`lib.rs`
re-export to the file it re-exports from), and looks for cycles in the resulting graph of files.
A module's own `pub use` of its children is its surface, not a dependency, so it adds no edge.

Usage: scripts/check-structure.py [CRATE_DIR ...]   (default: every crate of the workspace)
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# The widget's layers, lowest first: a file may import from its own layer or those below.
LAYERS = {"api": 0, "i18n": 0, "sync": 1, "state": 2, "components": 3, "embed": 4, "app": 4, "bin": 5}

INLINE = re.compile(r"(?<![\w:])(crate|super)(::\w+)+")
MAX_LINES = 450
USE = re.compile(r"^\s*(pub(\([^)]*\))?\s+)?use\s+((crate|super|self|\w+)(::[^;]+));", re.M | re.S)
CHILD = re.compile(r"^\s*(?:pub(?:\([^)]*\))?\s+)?mod\s+(\w+)\s*;", re.M)


def module_files(src):
    """Maps a module path (tuple) to its file, for every .rs file under src."""
    files = {}
    for dirpath, _, names in os.walk(src):
        for name in names:
            if not name.endswith(".rs"):
                continue
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, src)[:-3].split(os.sep)
            if rel == ["lib"] or rel == ["main"]:
                mod = ()
            elif rel[-1] == "mod":
                mod = tuple(rel[:-1])
            elif rel[0] == "bin":
                continue
            else:
                mod = tuple(rel)
            files[mod] = path
    return files


def expand(tree):
    """`a::{b, c::{d, e}}` -> [[a, b], [a, c, d], [a, c, e]] (names only, `as` dropped)."""
    tree = re.sub(r"\s+", "", tree)
    out = []

    def walk(prefix, s):
        depth, start, parts = 0, 0, []
        for i, ch in enumerate(s):
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
            elif ch == "," and depth == 0:
                parts.append(s[start:i])
                start = i + 1
        parts.append(s[start:])
        for part in filter(None, parts):
            if "{" in part:
                head, _, rest = part.partition("{")
                walk(prefix + [p for p in head.split("::") if p], rest[: rest.rfind("}")])
            else:
                out.append(prefix + [p.split("as")[0] if "as" in p and p != "as" else p for p in part.split("::")])

    walk([], tree)
    return out


def reexports(path):
    """Names a module file re-exports: name -> the path it comes from (relative, as written)."""
    text = open(path, encoding="utf-8").read()
    found = {}
    for m in USE.finditer(text):
        if not m.group(1):
            continue
        for parts in expand(m.group(3)):
            found[parts[-1]] = parts
    for m in re.finditer(r"^\s*pub\s+use\s+(\w+)::([^;]+);", text, re.M | re.S):
        if m.group(1) in ("crate", "super", "self", "std", "core"):
            continue
        for parts in expand(m.group(1) + "::" + m.group(2)):
            found[parts[-1]] = ["self"] + parts
    return found


def resolve(files, parts, seen=0):
    """The file that defines the item named by `parts` (already absolute from the crate root)."""
    best = ()
    for i in range(len(parts), -1, -1):
        if tuple(parts[:i]) in files:
            best = tuple(parts[:i])
            break
    rest = parts[len(best):]
    path = files[best]
    if rest and seen < 8 and (path.endswith("mod.rs") or path.endswith("lib.rs")):
        again = reexports(path).get(rest[0])
        if again is not None:
            absolute = absolutize(best, again)
            if absolute is not None:
                return resolve(files, absolute + rest[1:], seen + 1)
    return path


def absolutize(mod, parts, children=()):
    """Turns a `crate::`/`super::`/`self::` path (or one starting with a child module's name)
    used in module `mod` into a path from the root."""
    base = list(mod)
    head, rest = parts[0], parts[1:]
    if head in children:
        return base + parts
    if head == "crate":
        return rest
    if head == "self":
        return base + rest
    if head == "super":
        base = base[:-1]
        while rest and rest[0] == "super":
            base, rest = base[:-1], rest[1:]
        return base + rest
    return None


def graph(src):
    files = module_files(src)
    edges = {}
    for mod, path in files.items():
        text = open(path, encoding="utf-8").read()
        # Unit tests at the end of a file may import anything; comments name paths without using them.
        text = re.sub(r"#\[cfg\(test\)\]\s*(#\[[^\]]*\]\s*)*mod\s+tests\s*\{.*", "", text, flags=re.S)
        text = re.sub(r"//[^\n]*", "", text)
        targets = set()
        surface = path.endswith("mod.rs") or path.endswith("lib.rs")
        children = set(CHILD.findall(text)) if surface else set()
        for m in USE.finditer(text):
            if surface and m.group(1):
                continue  # a module's own re-exports
            for parts in expand(m.group(3)):
                absolute = absolutize(mod, parts, children)
                if absolute is None:
                    continue
                if absolute and absolute[-1] == "*":
                    absolute = absolute[:-1]
                target = resolve(files, absolute)
                if target != path:
                    targets.add(target)
        # Paths written inline (`crate::seed::APPLICATIONS.len()`) are imports too.
        for m in INLINE.finditer(USE.sub("", text)):
            parts = m.group(0).split("::")
            absolute = absolutize(mod, parts)
            if absolute:
                target = resolve(files, absolute)
                if target != path:
                    targets.add(target)
        edges[path] = targets
    return edges


def cycles(edges):
    found, state, stack = [], {}, []

    def visit(node):
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                found.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node)
    return found


def layer(src, path):
    first = os.path.relpath(path, src).split(os.sep)[0].removesuffix(".rs")
    return LAYERS.get(first)


def main():
    crates = sys.argv[1:] or [
        ".",
        *(os.path.join("crates", c) for c in sorted(os.listdir(os.path.join(ROOT, "crates")))),
        "sandbox",
        *(["gateway"] if os.path.isdir(os.path.join(ROOT, "gateway")) else []),
    ]
    problems = 0
    for crate in crates:
        src = os.path.join(ROOT, crate, "src")
        edges = graph(src)
        if not edges:
            problems += 1
            print(f"no Rust files under {src}")
        rel = lambda p: os.path.relpath(p, ROOT)
        for cycle in cycles(edges):
            problems += 1
            print("import cycle: " + " -> ".join(rel(p) for p in cycle))
        if crate == ".":
            for path, targets in edges.items():
                for t in targets:
                    a, b = layer(src, path), layer(src, t)
                    if a is not None and b is not None and b > a:
                        problems += 1
                        print(f"upward import: {rel(path)} -> {rel(t)}")
        for path in edges:
            lines = sum(1 for _ in open(path, encoding="utf-8"))
            if lines > MAX_LINES:
                problems += 1
                print(f"too long: {rel(path)} has {lines} lines (at most {MAX_LINES})")
        n = sum(len(t) for t in edges.values())
        print(f"{crate}: {len(edges)} files, {n} imports between them")
    if problems:
        print(f"FAIL: {problems} structure problem(s)")
        return 1
    print(f"imports form a tree in every crate; no source file over {MAX_LINES} lines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
