#!/usr/bin/env python3
"""Stand-in for the apache/hadoop image's envtoconf.py, XML files only: NAME.XML_key=value variables become
<property> entries of NAME.xml (lower case) in the destination folder."""
import os
import re
import sys
from xml.sax.saxutils import escape

dest = sys.argv[sys.argv.index("--destination") + 1]
files = {}
for key, value in os.environ.items():
    m = re.match(r"^([A-Za-z0-9-]+)\.XML_(.+)$", key, re.IGNORECASE)
    if m:
        files.setdefault(m.group(1).lower(), []).append((m.group(2), value))
for name, props in files.items():
    body = "".join(f"  <property><name>{escape(k)}</name><value>{escape(v)}</value></property>\n" for k, v in sorted(props))
    with open(os.path.join(dest, f"{name}.xml"), "w") as f:
        f.write(f'<?xml version="1.0"?>\n<configuration>\n{body}</configuration>\n')
