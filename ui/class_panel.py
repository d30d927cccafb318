"""Class mode on the Draw page: the pupil's banner and the *Send to the class* button.

A placeholder until class mode lands (issue 18): it shows nothing.
"""

from __future__ import annotations

from ui import state


def pupil_panel(current: state.CurrentInput | None) -> None:
    """In a class: a banner saying so, and a button that sends `current` to the teacher's wall."""
    return None
