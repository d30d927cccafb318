"""A lesson's thread on every page: the step counter, the talking point, Previous and Next.

A placeholder until lessons land (issue 19): it shows nothing.
"""

from __future__ import annotations


def lesson_bar() -> None:
    """When a lesson is open: where the class is in it, and the way to the next step."""
    return None
