"""The lab contract (lab-stacks/lab-contract.json), as the jobs read it: the one file the extension reads too.

Found next to the jobs folder (lab-stacks/ in the repository, /opt/archlab/ in the containers), or at
ARCHLAB_CONTRACT.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

_DEFAULT = Path(__file__).resolve().parent.parent.parent / "lab-contract.json"
PATH = Path(os.environ.get("ARCHLAB_CONTRACT") or _DEFAULT)

try:
    CONTRACT: dict = json.loads(PATH.read_text(encoding="utf-8"))
except FileNotFoundError as error:
    raise SystemExit(f"the lab contract {PATH} is missing: mount lab-stacks/lab-contract.json there "
                     "or set ARCHLAB_CONTRACT") from error

TOPIC: str = CONTRACT["topic"]["name"]
PARTITIONS: int = int(CONTRACT["topic"]["partitions"])
KEYSPACE: str = CONTRACT["keyspace"]
TABLES: dict[str, str] = dict(CONTRACT["tables"])
SNACKS: dict[str, dict] = {s["name"]: {"price": s["price"], "category": s["category"]} for s in CONTRACT["snacks"]}
SNACK_NAMES: tuple[str, ...] = tuple(SNACKS)
MAX_NESTING_DEPTH: int = int(CONTRACT["validity"]["maxNestingDepth"])
MAX_NUMBER_RUN: int = int(CONTRACT["validity"]["maxNumberRun"])
# A run of that many characters that can make up a JSON number (see the contract's validity rules).
NUMBER_RUN_PATTERN: str = f"[0-9.eE+-]{{{MAX_NUMBER_RUN}}}"
