"""Sign-in keeps the partner accounts it read for ``partner_cache_seconds`` of the service's clock: an account
deactivated in the database is refused once they have passed, and an id registered meanwhile signs in at once."""

from datetime import timedelta

import pytest
from continuum_kit.accounts import KeptAccounts
from continuum_kit.clock import ManualClock
from continuum_kit.db import make_engine
from continuum_kit.partners import PartnerAccount, PartnerDep
from continuum_kit.settings import ServiceSettings
from continuum_kit.testing import api_client, register_partner
from fastapi import APIRouter
from sqlalchemy import update
from sqlmodel import Session, SQLModel


def _router() -> APIRouter:
    router = APIRouter()

    @router.post("/v1/probe")
    def probe(partner_id: PartnerDep) -> dict:
        return {"partner_id": partner_id}

    return router


@pytest.fixture
def county(database_url, tmp_path):
    engine = make_engine(database_url)
    SQLModel.metadata.create_all(engine, tables=[PartnerAccount.__table__])
    clock = ManualClock()

    def client(seconds: float = 5.0):
        settings = ServiceSettings(service_name="probe", data_dir=tmp_path, partner_cache_seconds=seconds)
        return api_client(_router(), engine, clock, settings)

    yield engine, clock, client
    engine.dispose()


def _signed_in_then_deactivated(county, seconds: float):
    """A partner that signed in once, its account then deactivated in the database, as county IT would."""
    engine, _, client = county
    http = client(seconds=seconds)
    credentials = register_partner(engine, "team-a")
    assert http.post("/v1/probe", auth=credentials).status_code == 200
    with Session(engine) as session:
        session.execute(update(PartnerAccount).where(PartnerAccount.partner_id == "team-a").values(active=False))
        session.commit()
    return http, credentials


def test_a_deactivated_account_is_refused_once_the_kept_copy_is_older_than_the_setting(county):
    http, credentials = _signed_in_then_deactivated(county, seconds=5.0)
    clock = county[1]

    kept = http.post("/v1/probe", auth=credentials)
    clock.advance(timedelta(seconds=5.1))
    read_again = http.post("/v1/probe", auth=credentials)

    assert kept.status_code == 200, "within the kept seconds the copy read before is used"
    assert read_again.status_code == 401
    assert http.post("/v1/probe", auth=(credentials[0], "a-wrong-secret-of-24-chars-x")).status_code == 401


def test_with_the_setting_at_zero_every_request_reads_the_account(county):
    http, credentials = _signed_in_then_deactivated(county, seconds=0)
    assert http.post("/v1/probe", auth=credentials).status_code == 401


def test_an_unknown_id_is_not_kept_so_a_partner_registered_meanwhile_signs_in_at_once(county):
    engine, _, client = county
    http = client(seconds=3600)
    credentials = ("team-new", "team-new-secret-for-tests-only")
    assert http.post("/v1/probe", auth=credentials).status_code == 401
    register_partner(engine, *credentials)  # as another instance's admin API would
    assert http.post("/v1/probe", auth=credentials).status_code == 200


def test_the_oldest_copies_go_first_past_the_capacity():
    reads: list[str] = []

    def read(partner_id: str) -> str:
        reads.append(partner_id)
        return f"account of {partner_id}"

    kept = KeptAccounts[str](60, capacity=2, clock=lambda: 0.0)
    for partner_id in ["a", "b", "a", "c", "a", "b"]:
        assert kept.get(partner_id, read) == f"account of {partner_id}"
    assert reads == ["a", "b", "c", "b"], "b was the oldest when c came, and was read again"
