"""The episode stages intake decides itself, from a contact: open, rejoin, and reopen. Pure, no I/O.

The other stages are decided elsewhere and only recorded here (``stage_records.py``).
"""

from dataclasses import dataclass

from continuum_contracts.vocabulary import Stage

LATER_STAGES = frozenset({Stage.STABILIZATION, Stage.POST_CRISIS})


@dataclass(frozen=True)
class Rejoin:
    stage: Stage
    reopened: bool


def rejoin(previous: Stage, decided: Stage) -> Rejoin:
    """A new contact on an open episode: the episode takes the new contact's stage; one already past the
    acute stage (stabilization, post-crisis) is reopened, because the person is in crisis again."""
    return Rejoin(stage=decided, reopened=previous in LATER_STAGES)
