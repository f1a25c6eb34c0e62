"""The snack catalog and the validity rule every job applies to a Kafka message.

A message counts for its `item` when its value starts with a JSON object (after JSON whitespace) that has a
non-null `event_id` and an `item` that is one of the catalog's snack names (exact, case-sensitive). Anything else
is *invalid*: counted in the job's `invalid`, never fatal. Keys are case-sensitive; with a duplicated key the last
one wins. This is what Spark's `from_json` does (the Spark jobs use it, see sparkjobs.parsed_item); the plain
Python validation consumer applies the same rule here, independently of Spark. Like Spark's JSON reader (Jackson),
text after the first JSON value is ignored.
"""
from __future__ import annotations

import json

SNACKS: dict[str, dict] = {
    "apple": {"price": 1, "category": "healthy"},
    "banana": {"price": 1, "category": "healthy"},
    "orange": {"price": 1, "category": "healthy"},
    "blueberries": {"price": 2, "category": "healthy"},
    "snickers": {"price": 3, "category": "not_healthy"},
    "mars": {"price": 3, "category": "not_healthy"},
    "twix": {"price": 3, "category": "not_healthy"},
    "milkyway": {"price": 3, "category": "not_healthy"},
}
SNACK_NAMES: tuple[str, ...] = tuple(SNACKS)

_decoder = json.JSONDecoder()
_JSON_WHITESPACE = " \t\n\r"


def item_of(value: bytes | str | None) -> str | None:
    """The snack a message counts for, or None if the message is invalid."""
    if value is None:
        return None
    text = value.decode("utf-8", errors="replace") if isinstance(value, (bytes, bytearray)) else value
    try:
        event, _ = _decoder.raw_decode(text.lstrip(_JSON_WHITESPACE))
    except (ValueError, RecursionError):
        return None
    if not isinstance(event, dict) or event.get("event_id") is None:
        return None
    item = event.get("item")
    return item if isinstance(item, str) and item in SNACKS else None
