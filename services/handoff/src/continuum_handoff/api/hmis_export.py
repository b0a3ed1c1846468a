"""County IT's HMIS export (the admin token): a date range's coordinated-entry events as an HMIS CSV zip."""

from datetime import date
from typing import Annotated, Any

from continuum_kit.partners import AdminOnly
from continuum_kit.service import RuntimeDep
from fastapi import APIRouter, HTTPException, Query, status
from fastapi.responses import Response
from sqlmodel import Session

from continuum_handoff.api.deps import SettingsDep
from continuum_handoff.hmis_export import ExportOff, hmis_export

router = APIRouter(tags=["supervisor"])
COUNTS = {
    "X-HMIS-Events": "the Event.csv rows",
    "X-HMIS-Episodes": "the episodes exported (Enrollment.csv rows)",
    "X-HMIS-Episodes-Without-Consent": "episodes with events in the range that no data-sharing consent covers: "
    "counted here, not exported",
}
RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "a zip of Export.csv, Client.csv, Enrollment.csv and Event.csv (HMIS CSV FY2026); no-store",
        "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
        "headers": {name: {"schema": {"type": "integer"}, "description": text} for name, text in COUNTS.items()},
    },
    401: {"description": "missing or wrong admin token"},
    403: {"description": "a partner's credentials: county IT only"},
    422: {"description": "a bad date, or a range that ends before it starts, naming the field"},
    503: {
        "description": "the admin API is disabled (no CONTINUUM_ADMIN_TOKEN), or the export (no CONTINUUM_HMIS_ID_KEY)"
    },
}
Day = Annotated[date, Query(description="a day yyyy-mm-dd in the county's zone; the range includes it")]


@router.get(
    "/admin/hmis-export",
    summary="County IT exports the range's coordinated-entry events (HMIS 4.20) as HMIS CSV, under consent",
    dependencies=[AdminOnly],
    response_class=Response,
    responses=RESPONSES,
)
def get_hmis_export(start: Day, end: Day, runtime: RuntimeDep, settings: SettingsDep) -> Response:
    if end < start:
        detail = [{"loc": ["query", "end"], "msg": "the range ends before it starts", "type": "value_error"}]
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=detail)
    try:
        with Session(runtime.reader) as session:
            export = hmis_export(session, start, end, settings, runtime.clock.now())
    except ExportOff:
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE, detail="the HMIS export is off: set CONTINUUM_HMIS_ID_KEY"
        ) from None
    counts = (export.events, export.episodes, export.episodes_without_consent)
    headers = {name: str(count) for name, count in zip(COUNTS, counts, strict=True)} | {
        "Cache-Control": "no-store",
        "Content-Disposition": f'attachment; filename="hmis-{start}-{end}.zip"',
    }
    return Response(export.archive, media_type="application/zip", headers=headers)
