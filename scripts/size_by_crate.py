#!/usr/bin/env python3
"""Sums `twiggy top -f csv` by crate (scripts/size-by-crate.sh runs it): a markdown table of the
crates' bytes and shares, then the largest functions. Names and debug sections are left out
(the shipped file has neither)."""
import csv
import re
import sys
from collections import Counter

SEG = r'([A-Za-z_][A-Za-z0-9_]*)(?:\[[0-9a-f]+\])?::'


def num(n):
    return f'{n:,}'.replace(',', ' ')


def crate_of(name):
    n = name.strip()
    if n.startswith('custom section') or 'subsection' in n:
        return None  # names and debug info: not in the shipped file
    if n.startswith('data segment') or n.startswith('data['):
        return '(data: strings, tables, constants)'
    if n.startswith('elem[') or n.startswith('table['):
        return '(function table)'
    if re.match(r'^(code|type|import|export|global|func)\b', n) or n.startswith('wasm-bindgen'):
        return '(unnamed code, types, imports/exports)'
    # "<T as Trait>::f" belongs to T's crate; to the trait's when T is a primitive or generic.
    m = re.match(r'^<(?:&(?:mut )?)?(\S+) as (\S+?)>', n)
    if m:
        t = re.match(SEG, m.group(1)) or re.match(SEG, m.group(2))
        return t.group(1) if t else '(other)'
    m = re.match(r'^<(?:&(?:mut )?)?' + SEG, n) or re.match(SEG, n)
    return m.group(1) if m else '(other)'


def main(path):
    by_crate, total, fns = Counter(), 0, []
    with open(path, newline='') as f:
        for r in csv.DictReader(f):
            size, name = int(r['ShallowSize']), r['Name']
            crate = crate_of(name)
            if crate is None:
                continue
            total += size
            by_crate[crate] += size
            fns.append((size, name))
    top = by_crate.most_common(16)
    print('| crate | bytes | share |\n|---|---:|---:|')
    for crate, size in top:
        print(f'| {crate} | {num(size)} | {100 * size / total:.1f} % |')
    rest = total - sum(s for _, s in top)
    if rest:
        print(f'| (the rest) | {num(rest)} | {100 * rest / total:.1f} % |')
    print(f'| **total** (code and data, without names) | **{num(total)}** | |')
    print('\n| largest functions | bytes |\n|---|---:|')
    for size, name in sorted(fns, reverse=True)[:15]:
        short = re.sub(r'\[[0-9a-f]{16}\]', '', name)
        short = re.sub(r'::h[0-9a-f]{16}$', '', short)
        if len(short) > 100:
            short = short[:97] + '...'
        print(f'| `{short}` | {num(size)} |')


if __name__ == '__main__':
    main(sys.argv[1])
