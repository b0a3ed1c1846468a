"""The board's projection of the episode topic into its read model; ``Projection`` is what the runtime builds."""

from continuum_board.projection.timeline import Observe, Projection, trace_id

__all__ = ["Observe", "Projection", "trace_id"]
