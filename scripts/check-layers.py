#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The layer check of appliance/ (run by `make lint` and CI).

Reads every `#include "..."` of appliance/**/*.[ch] and fails when:
  - a folder includes a folder that scripts/layers.conf does not allow
    (a lower layer reaching up);
  - the allowed graph itself has a circle (two folders allowing each other,
    directly or not), since a circle across folders is what the layers
    forbid;
  - an include names no file, or a folder has no line in layers.conf.

Includes are written from appliance/ ("l2/fdb.h"); a folder is the
directory of a file relative to appliance/ ("." for main.c).

Usage: check-layers.py [--root DIR] [--conf FILE] [--graph]
Exit status 0 when the tree keeps its layers, 1 with one line per fault.
"""
import argparse
import os
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def read_conf(path):
    """folder -> set of allowed folders ('*' = any)."""
    allowed = {}
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.split('#', 1)[0].strip()
            if not line:
                continue
            if ':' not in line:
                sys.exit(f'{path}:{n}: expected "folder : folders"')
            folder, uses = line.split(':', 1)
            allowed[folder.strip()] = set(uses.split())
    return allowed


def sources(root):
    """Every .c and .h; a header meson generates (X.h.in) counts as X.h."""
    for d, _, files in os.walk(root):
        for f in sorted(files):
            if f.endswith('.h.in'):
                f = f[:-3]
            if f.endswith(('.c', '.h')):
                yield os.path.relpath(os.path.join(d, f), root)


def folder_of(rel):
    return os.path.dirname(rel) or '.'


def find_circle(allowed):
    """A circle in the allowed graph (list of folders), or None."""
    state = {}

    def visit(node, path):
        state[node] = 'open'
        for nxt in sorted(allowed.get(node, ())):
            if nxt == '*' or nxt == node:
                continue
            if state.get(nxt) == 'open':
                return path[path.index(nxt):] + [nxt] if nxt in path else [node, nxt]
            if nxt not in state:
                found = visit(nxt, path + [nxt])
                if found:
                    return found
        state[node] = 'done'
        return None

    for node in sorted(allowed):
        if node not in state:
            found = visit(node, [node])
            if found:
                return found
    return None


def check(root, conf):
    allowed = read_conf(conf)
    faults = []
    circle = find_circle(allowed)
    if circle:
        faults.append(f'{conf}: the layers allow a circle: {" -> ".join(circle)}')
    files = set(sources(root))
    edges = set()
    for rel in sorted(files):
        here = folder_of(rel)
        if here not in allowed:
            faults.append(f'{rel}: folder {here} has no line in {os.path.basename(conf)}')
            continue
        path = os.path.join(root, rel)
        with open(path if os.path.exists(path) else path + '.in', errors='replace') as f:
            text = f.read()
        for inc in INCLUDE.findall(text):
            if inc not in files:
                faults.append(f'{rel}: #include "{inc}" names no file under appliance/ '
                              '(write includes from appliance/, e.g. "l2/fdb.h")')
                continue
            there = folder_of(inc)
            edges.add((here, there))
            if there == here or '*' in allowed[here] or there in allowed[here]:
                continue
            faults.append(f'{rel}: {here} may not include {inc} ({there} is not below it)')
    return faults, edges


def main(argv=None):
    top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--root', default=os.path.join(top, 'appliance'))
    ap.add_argument('--conf', default=os.path.join(top, 'scripts', 'layers.conf'))
    ap.add_argument('--graph', action='store_true', help='print the folder edges in use')
    args = ap.parse_args(argv)
    faults, edges = check(args.root, args.conf)
    if args.graph:
        for a, b in sorted(edges):
            if a != b:
                print(f'{a} -> {b}')
    for f in faults:
        print(f)
    if faults:
        print(f'check-layers: {len(faults)} fault(s)', file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
