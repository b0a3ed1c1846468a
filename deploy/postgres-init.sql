-- One database per service: no service reads another's tables.
CREATE DATABASE continuum_intake;
CREATE DATABASE continuum_dispatch;
CREATE DATABASE continuum_handoff;
CREATE DATABASE continuum_followup;
