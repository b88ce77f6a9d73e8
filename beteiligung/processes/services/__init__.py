"""Processes, their phases and instruments: the rules, for pages, the API, the demo and plugins alike.

Services check who may act (policy), validate, write, flush and record an audit entry; the caller
commits. Statuses follow the dates when read; the only time a date is written to an instrument is
when a moderator sets or changes the dates of its phase (``follows_phase_dates``). One module per
concern, all named here:

- ``reading``: which processes a person sees, phases with their instruments, the timeline;
- ``manage``: creating (from templates too), changing and publishing processes; phases; header images;
- ``attach``: instruments in phases and how they follow the phase's dates.
"""

from .attach import attach_instrument, detach_instrument, follow_phase_dates, forget_target
from .manage import (
    add_phase,
    create_process,
    delete_phase,
    move_phase,
    remove_header_image,
    set_header_image,
    set_published,
    update_phase,
    update_process,
)
from .reading import (
    Entry,
    attachable,
    get_instrument,
    get_phase,
    get_process,
    phase_of,
    phases_of,
    process_query,
    timeline,
)

__all__ = [
    "Entry", "add_phase", "attach_instrument", "attachable", "create_process", "delete_phase", "detach_instrument",
    "follow_phase_dates", "forget_target", "get_instrument", "get_phase", "get_process", "move_phase", "phase_of",
    "phases_of", "process_query", "remove_header_image", "set_header_image", "set_published", "timeline",
    "update_phase", "update_process",
]
