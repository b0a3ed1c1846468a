"""Continuum's operations board: a read model of the episode topic, the supervisor's live board, timelines, KPIs."""
