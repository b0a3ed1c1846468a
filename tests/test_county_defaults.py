"""County policy lives in the service that owns it; where another process keeps its own default, they agree."""

from continuum_board.config import BoardSettings
from continuum_dispatch.config import DispatchSettings
from continuum_intake.config import IntakeSettings
from continuum_kit.settings import ServiceSettings


def test_the_runtime_kit_holds_no_county_policy():
    county_policy = {"deflection_eligible_call_types", "demographic_fields", "call_types", "areas"}
    assert county_policy & set(ServiceSettings.model_fields) == set()


def test_the_board_counts_deflection_over_the_call_types_dispatch_deflects():
    assert BoardSettings().deflection_eligible_call_types == DispatchSettings().deflection_eligible_call_types


def test_dispatch_and_the_board_report_by_the_demographic_codes_intake_collects():
    collected = IntakeSettings().demographic_fields
    assert DispatchSettings().demographic_fields == collected
    assert BoardSettings().demographic_fields == collected
