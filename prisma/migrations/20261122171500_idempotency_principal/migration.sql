-- Idempotency keys are scoped to the team, or to the principal for requests
-- made outside any team (e.g. an admin with no membership creating a team).
ALTER TABLE "idempotency_records" ALTER COLUMN "team_id" DROP NOT NULL;
ALTER TABLE "idempotency_records" ADD COLUMN "principal_id" UUID;
CREATE UNIQUE INDEX "idempotency_records_principal_id_key_key" ON "idempotency_records"("principal_id", "key");
