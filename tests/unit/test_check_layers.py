#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Unit test of scripts/check-layers.py: the real tree keeps its layers, and
the check fails on a deliberately wrong include, on a circle between folders,
on an include that names no file, and on a folder layers.conf does not know."""
import os
import subprocess
import sys
import tempfile

ROOT = os.environ.get('NFVA_SOURCE_ROOT',
                      os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
SCRIPT = os.path.join(ROOT, 'scripts', 'check-layers.py')

CONF = """core :
l2   : core
.    : *
"""


def run(root, conf):
    p = subprocess.run([sys.executable, SCRIPT, '--root', root, '--conf', conf],
                       capture_output=True, text=True)
    return p.returncode, p.stdout + p.stderr


def tree(files, conf=CONF):
    d = tempfile.mkdtemp(prefix='layers-')
    for path, text in files.items():
        os.makedirs(os.path.join(d, 'appliance', os.path.dirname(path)), exist_ok=True)
        with open(os.path.join(d, 'appliance', path), 'w') as f:
            f.write(text)
    with open(os.path.join(d, 'layers.conf'), 'w') as f:
        f.write(conf)
    return os.path.join(d, 'appliance'), os.path.join(d, 'layers.conf')


GOOD = {
    'core/log.h': '#pragma once\n',
    'l2/fdb.h': '#include "core/log.h"\n',
    'l2/fdb.c': '#include "l2/fdb.h"\n#include "core/log.h"\n#include <stdio.h>\n',
    'main.c': '#include "l2/fdb.h"\n',
}

failures = 0


def expect(name, ok, got, says=None):
    """ok: exit 0 wanted; else exit 1 with a line containing says."""
    global failures
    code, out = got
    wanted = 0 if ok else 1
    if code != wanted or (says is not None and says not in out):
        failures += 1
        print(f'FAIL {name}: exit {code} (wanted {wanted}), output:\n{out}')
    else:
        print(f'ok   {name}' + ('' if ok else f': {out.strip().splitlines()[0]}'))
    return out


expect('real tree', True, run(os.path.join(ROOT, 'appliance'),
                              os.path.join(ROOT, 'scripts', 'layers.conf')))
expect('good fake tree', True, run(*tree(GOOD)))

bad = dict(GOOD, **{'core/log.h': '#include "l2/fdb.h"\n'})
expect('lower includes upper', False, run(*tree(bad)), 'core may not include l2/fdb.h')

expect('circle in layers.conf', False, run(*tree(GOOD, 'core : l2\nl2 : core\n. : *\n')),
       'the layers allow a circle')
expect('include of no file', False,
       run(*tree(dict(GOOD, **{'l2/x.c': '#include "fdb.h"\n'}))), 'names no file')
expect('folder without a line', False,
       run(*tree(dict(GOOD, **{'lisp/eid.c': '#include "core/log.h"\n'}))),
       'folder lisp has no line')

sys.exit(1 if failures else 0)
