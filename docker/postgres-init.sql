-- Run once by the postgres image on an empty data volume (docker-compose.yml).
-- One database per service: the names are those of SERVICES in libs/platform/src/services.ts
-- (apps/repository-checks/src/deployment.spec.ts checks that they match).
CREATE DATABASE tremplin_schools;
CREATE DATABASE tremplin_companies;
CREATE DATABASE tremplin_matching;
CREATE DATABASE tremplin_notifications;
