"""A FHIR R4 facade on handoff (/fhir): warm handoffs and referrals as Tasks, for partners that speak FHIR."""

from continuum_handoff.fhir_api.routes import router

__all__ = ["router"]
