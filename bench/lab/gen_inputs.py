# SPDX-License-Identifier: BSD-3-Clause
"""gen_inputs.py DIR NAME...: write bench's named inputs (see
bench/nfvabench/inputs.py) into DIR, e.g. udp64 learn1m, for the lab."""
import os
import sys

from nfvabench import inputs  # PYTHONPATH: lab/run.sh

os.makedirs(sys.argv[1], exist_ok=True)
for name in sys.argv[2:]:
    print(inputs.ensure(name, sys.argv[1]))
