"""A supervisor in a real browser (Debian's Chromium, driven by Playwright): signs in, sees the board, and a
contact posted to the real services appears on it without a reload, with its timeline a click away; an escalation
appears in the "needs a human" queue and is acknowledged by a click; dispatch's roster shows beds and teams offline."""

import random
import uuid
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from continuum_board.testing import ADMIN, ADMIN_TOKEN, DISPATCH, PASSWORD, Topic
from continuum_contracts.events import ResponseEscalatedV1
from continuum_contracts.vocabulary import ResponseType
from continuum_sim.scenarios import homeless_911_call
from continuum_sim.stack import Stack, board_process

pytestmark = [pytest.mark.kafka, pytest.mark.e2e]
CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture
def county(kafka_bootstrap, topic, tmp_path):
    """The four services and the board, each its own process on the real broker; the board has its own group."""
    stack = Stack(kafka_bootstrap, tmp_path / "county", topic=topic, group_prefix=topic, admin_token=ADMIN_TOKEN)
    board = board_process(stack, tmp_path / "board.log", board_refresh_seconds="0.3", roster_poll_seconds="0.5")
    processes = [*stack.services.values(), board]
    try:
        for process in processes:
            process.start()
        for process in processes:  # patient: the machine may be busy with other stacks
            process.wait_healthy(timeout=240)
        yield stack, board
    finally:
        board.stop()
        stack.stop()


async def post_911_call(stack: Stack) -> str:
    """County IT registers the 911 CAD with intake; the CAD transfers a welfare check, as it would in the county.
    No partner answers afterwards, so the episode stays open, waiting for its mobile team."""
    scenario = homeless_911_call(random.Random(51))
    secret = "cad-secret-" + "0123456789abcdef"
    async with httpx.AsyncClient(base_url=stack.urls["intake"], timeout=10) as intake:
        registered = await intake.post(
            "/v1/admin/partners",
            json={
                "partner_id": scenario.partner_id,
                "secret": secret,
                "channels": ["911_transfer"],
                "event_types": ["continuum.contact.submitted.v1"],
            },
            headers=ADMIN,
        )
        assert registered.status_code == 201, registered.text
        posted = await intake.post(scenario.path, json=scenario.contact, auth=(scenario.partner_id, secret))
        assert posted.status_code == 201, posted.text
    return posted.json()["episode_id"]


async def roster_changes(stack: Stack) -> None:
    """County IT tells dispatch of a respite with six beds and a team that has gone offline."""
    async with httpx.AsyncClient(base_url=stack.urls["dispatch"], timeout=10, headers=ADMIN) as dispatch:
        place = await dispatch.put("/v1/places/respite-9", json={"place_type": "peer_respite", "capacity": 6})
        assert place.status_code in (200, 201), place.text
        team = await dispatch.post(
            "/v1/responders", json={"responder_id": "team-off-1", "kind": "mobile_team", "status": "offline"}
        )
        assert team.status_code == 201, team.text


async def escalate(stack: Stack, episode_id: str) -> str:
    """Dispatch's word that no team can go, as it publishes it; the item's id is the event's id."""
    payload = ResponseEscalatedV1(reason="no_responder_available", response_type=ResponseType.MOBILE_TEAM)
    async with Topic(stack.kafka_bootstrap, stack.topic) as topic:
        envelope = topic.event(uuid.UUID(episode_id), payload, source=DISPATCH, at=datetime.now(UTC))
        await topic.publish(envelope)
    return envelope.id


async def test_supervisor_signs_in_and_a_new_contact_appears_without_reload(county):
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: apt-get install -y chromium (.ci/run does it)")
    from playwright.async_api import async_playwright, expect

    stack, board = county
    async with httpx.AsyncClient(base_url=board.url) as http:
        created = await http.post(
            "/v1/admin/operators", json={"username": "supervisor-1", "password": PASSWORD}, headers=ADMIN
        )
        assert created.status_code == 201
        assert (await http.get("/v1/board")).status_code == 401

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"])
        try:
            page = await browser.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            await page.goto(f"{board.url}/")
            await expect(page).to_have_url(f"{board.url}/signin")

            await page.fill("#username", "supervisor-1")
            await page.fill("#password", "not the password")
            await page.click("#submit")
            await expect(page.locator("#error")).to_have_text("Wrong operator name or password.")

            await page.fill("#password", PASSWORD)
            await page.click("#submit")
            await expect(page).to_have_url(f"{board.url}/")
            await expect(page.locator("#operator")).to_have_text("supervisor-1")
            await expect(page.locator("#live")).to_have_text("live", timeout=15000)
            [cookie] = await page.context.cookies()
            assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
            assert await page.evaluate("document.cookie") == "", "scripts cannot read the session"
            await expect(page.locator("#episodes")).to_contain_text("No open episodes.")

            # Anything a reload would wipe out: if it survives, the page was never reloaded.
            await page.evaluate("window.notReloaded = true")
            episode_id = await post_911_call(stack)
            row = page.locator(f'#episodes tr[data-episode-id="{episode_id}"]')
            await expect(row).to_be_visible(timeout=30000)
            await expect(row).to_contain_text("mobile_team", timeout=30000)
            await expect(row).to_contain_text("911_transfer")
            await expect(row).to_contain_text("to target")
            assert await page.evaluate("window.notReloaded") is True
            await expect(page.locator("#open-count")).to_have_text("1")
            await expect(page.locator('#teams tr[data-status="assigned"]')).to_contain_text("mobile_team")

            item_id = await escalate(stack, episode_id)
            item = page.locator(f'#queue tr[data-escalation-id="{item_id}"]')
            await expect(item).to_contain_text("no_team", timeout=30000)
            await expect(item).to_contain_text("no_responder_available")
            await expect(page.locator("#queue-count")).to_have_text("1")
            await item.locator("button.ack").click()
            await expect(item).to_contain_text("supervisor-1")
            await expect(item).to_have_attribute("data-state", "acknowledged")
            await expect(item.locator("button.ack")).to_have_count(0)

            await roster_changes(stack)
            await expect(page.locator('#beds tr[data-place="respite-9"]')).to_contain_text("6", timeout=30000)
            await expect(page.locator('#teams tr[data-team="team-off-1"]')).to_contain_text("offline", timeout=30000)

            await row.locator("a.episode").click()
            timeline = page.locator("#timeline")
            await expect(timeline).to_contain_text("continuum.contact.received.v1")
            await expect(timeline).to_contain_text("/continuum/intake")
            await expect(timeline).to_contain_text("continuum.response.assigned.v1")
            await expect(timeline).to_contain_text("/continuum/dispatch")
            await expect(timeline).to_contain_text("continuum.escalation.acknowledged.v1")
            await expect(timeline).to_contain_text("/continuum/board")

            assert errors == [], "the page's script failed"
            await page.click("#signout")
            await expect(page).to_have_url(f"{board.url}/signin")
            await page.goto(f"{board.url}/")
            await expect(page).to_have_url(f"{board.url}/signin")
        finally:
            await browser.close()
