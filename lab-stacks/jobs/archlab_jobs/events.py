"""The validity rule every job applies to a Kafka message (lab-stacks/lab-contract.json, "validity").

A message counts for its `item` when its value, decoded as UTF-8 (bad bytes become U+FFFD), is exactly one strict
JSON object (RFC 8259, nothing but JSON white space around it), nested at most MAX_NESTING_DEPTH levels, with no
run of MAX_NUMBER_RUN characters from 0-9 . e E + -, with an `event_id` that is neither null nor "" and an `item`
that is one of the snack names. Anything else is invalid: counted in the job's `invalid`, never fatal.
The Spark jobs apply the same rule in Spark SQL (sparkjobs.item_column); test/fixtures/golden-messages.json proves
that both agree, and that the extension's parseEvent agrees too.
"""
from __future__ import annotations

import json
import re
import sys

from .contract import MAX_NESTING_DEPTH, MAX_NUMBER_RUN, NUMBER_RUN_PATTERN, SNACK_NAMES, SNACKS

__all__ = ["SNACKS", "SNACK_NAMES", "item_of"]

_NUMBER_RUN = re.compile(NUMBER_RUN_PATTERN)
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(r"[\[\]{}]")
# json's C scanner recurses once per level: leave room for MAX_NESTING_DEPTH levels.
sys.setrecursionlimit(max(sys.getrecursionlimit(), 4 * MAX_NESTING_DEPTH))


def _no_constants(name: str):
    raise ValueError(f"{name} is not JSON")


_decoder = json.JSONDecoder(parse_constant=_no_constants)


def _too_deep(text: str) -> bool:
    depth = 0
    for bracket in _BRACKETS.findall(_STRING.sub("", text)):
        depth += 1 if bracket in "[{" else -1
        if depth > MAX_NESTING_DEPTH:
            return True
    return False


def item_of(value: bytes | str | None) -> str | None:
    """The snack a message counts for, or None if the message is invalid."""
    if value is None:
        return None
    text = value.decode("utf-8", errors="replace") if isinstance(value, (bytes, bytearray)) else value
    try:
        event = _decoder.decode(text)
    except (ValueError, RecursionError):
        return None
    if not isinstance(event, dict):
        return None
    if len(text) >= MAX_NUMBER_RUN and _NUMBER_RUN.search(text):
        return None
    if len(text) > 2 * MAX_NESTING_DEPTH and _too_deep(text):
        return None
    if event.get("event_id") is None or event.get("event_id") == "":
        return None
    item = event.get("item")
    return item if isinstance(item, str) and item in SNACKS else None
