"""What every route may ask for: the parts intake's composition root built (``app.state.intake_parts``)."""

from typing import Annotated

from fastapi import Depends, Request

from continuum_intake.parts import IntakeParts


async def _parts(request: Request) -> IntakeParts:
    return request.app.state.intake_parts


PartsDep = Annotated[IntakeParts, Depends(_parts)]
