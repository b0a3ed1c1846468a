"""Speed to answer: the line says how long the person waited before someone answered; intake carries it on
the contact's event (a number, no PHI) for the county's KPIs, and refuses a nonsense value naming the field."""

from continuum_kit.testing import outbox


def test_the_wait_before_answer_travels_on_the_contact_event(client, engine, partner):
    answered = client.post(
        "/v1/contacts/crisis-line", json={"medium": "call", "answered_after_seconds": 42}, auth=partner
    )
    unreported = client.post("/v1/contacts/warmline", json={"medium": "chat"}, auth=partner)
    assert answered.status_code == unreported.status_code == 201
    received = [e.data for e in outbox(engine) if e.type == "continuum.contact.received.v1"]
    assert [r.answered_after_seconds for r in received] == [42, None]


def test_a_negative_or_day_long_wait_is_refused_naming_the_field(client, partner, row_counts):
    before = row_counts()
    for wait in (-1, 86_401, "soon"):
        refused = client.post(
            "/v1/contacts/crisis-line", json={"medium": "call", "answered_after_seconds": wait}, auth=partner
        )
        assert refused.status_code == 422
        assert refused.json()["detail"][0]["loc"] == ["body", "answered_after_seconds"]
    assert row_counts() == before
