#!/usr/bin/env python3
"""regen_scenario_docs.py — refresh the key tables of docs/SCENARIO.md from the
schema table in src/scenario/sc_schema.c.

The unit test test_docs_agree fails when a schema row is missing from the
docs; this script rewrites, under each "#### `section`" heading of the docs,
the table the test binary prints for that section (TR_PRINT_SCHEMA_DOCS=1),
and leaves all other text alone.
Usage: tools/regen_scenario_docs.py [build-dir]   (default: build)
"""
import os
import re
import subprocess
import sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
build = sys.argv[1] if len(sys.argv) > 1 else "build"
env = dict(os.environ, TR_SOURCE_DIR=root, TR_PRINT_SCHEMA_DOCS="1")
gen = subprocess.run([os.path.join(root, build, "tests", "test_scenario")], env=env,
                     capture_output=True, text=True).stdout


def sections(text):
    """heading -> table lines (the first block of '|' lines after it)."""
    out = {}
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if line.startswith("#### "):
            j = i + 1
            while j < len(lines) and not lines[j].startswith("|"):
                j += 1
            k = j
            while k < len(lines) and lines[k].startswith("|"):
                k += 1
            out[line] = (j, k, lines[j:k])
    return out


new = sections(gen)
path = os.path.join(root, "docs", "SCENARIO.md")
doc = open(path).read().split("\n")
old = sections("\n".join(doc))
missing = [h for h in new if h not in old]
# Replace from the bottom up so earlier line numbers stay valid.
for head, (j, k, _) in sorted(old.items(), key=lambda kv: -kv[1][0]):
    if head in new:
        doc[j:k] = new[head][2]
open(path, "w").write("\n".join(doc))
if missing:
    print("sections missing from docs/SCENARIO.md (add a heading for them):", ", ".join(missing))
    sys.exit(1)
