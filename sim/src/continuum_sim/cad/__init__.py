"""``continuum-cad``: what a county's rules would do with a city's calls-for-service export.

``analyze`` reads the CSV a police department publishes (one row a call: call type, priority, received,
dispatched, arrived and cleared times, disposition, district) through a county mapping file, and counts the
calls the county's rules would send to an alternative response (a mobile crisis team, a peer, 988) instead of
police, by call type, hour of day and district, with the police time those calls took. It prints codes and
counts only: never an address, a location or a free-text field of the export.
"""
