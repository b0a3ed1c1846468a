-- One database per service: no service reads another's tables. Run by the postgres image on its first start
-- (empty volume); safe to run again when a release adds a service:
--   docker compose exec -T postgres psql -U continuum -d continuum -f /docker-entrypoint-initdb.d/10-databases.sql
SELECT format('CREATE DATABASE %I', name)
FROM unnest(ARRAY['continuum_intake', 'continuum_dispatch', 'continuum_handoff', 'continuum_followup',
                  'continuum_board']) AS name
WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = name)
\gexec
