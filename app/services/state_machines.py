"""The workflow rules the services apply; the per-type tables themselves are data in app/models/workflows.py.

Each transition names who may take it (a minimum role, optionally also the item's author)
and whether a note (reason or resolution) is required.
"""

from __future__ import annotations

from app.models import Role

# re-exported: the services, adapters and docs read the workflows from here
from app.models.workflows import WORKFLOWS as WORKFLOWS
from app.models.workflows import Transition as Transition
from app.models.workflows import all_states as all_states
from app.models.workflows import find_transition as find_transition
from app.models.workflows import initial_state as initial_state
from app.models.workflows import initial_states as initial_states
from app.models.workflows import is_closed as is_closed
from app.models.workflows import open_states as open_states
from app.models.workflows import states as states
from app.models.workflows import transitions_from as transitions_from


def may_take(transition: Transition, role: Role, is_author: bool) -> bool:
    """Whether a caller with this role (and authorship) may take the transition."""
    if role >= transition.min_role:
        return True
    return transition.author_may and is_author and role >= Role.REPORTER
