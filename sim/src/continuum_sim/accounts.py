"""The simulated county's credentials: every partner's secret derives from the stack's admin token, so
that the stack, its simulators and a later simulator on the same stack agree without storing secrets."""

import hashlib
import hmac

HANDOFF_AT_INTAKE = "handoff"  # handoff's partner id at intake, for disclosures
BOARD_AT_DISPATCH = "board"  # the board's partner id at dispatch, for the roster
DISCLOSURE_REQUEST = "continuum.disclosure.request"


def partner_secret(admin_token: str, partner_id: str) -> str:
    return hmac.new(admin_token.encode(), partner_id.encode(), hashlib.sha256).hexdigest()
