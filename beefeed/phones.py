"""Mainland mobile numbers as people type them: spaces, dashes, a +86 or 0086 prefix."""

import re

MAINLAND_MOBILE = re.compile(r"^1[3-9][0-9]{9}$")


def normalize(value):
    digits = re.sub(r"[\s\-()（）]", "", value or "")
    for prefix in ("+86", "0086", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            digits = digits[len(prefix) :]
    return digits


def is_mainland_mobile(value):
    return bool(MAINLAND_MOBILE.match(value or ""))
