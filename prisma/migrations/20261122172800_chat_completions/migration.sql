-- One row per /v1/chat/completions call: the tokens the team's Anthropic key
-- was billed for and their price, so chat spend is counted in usage.
CREATE TABLE "chat_completions" (
    "id" TEXT NOT NULL,
    "team_id" UUID NOT NULL,
    "model" TEXT NOT NULL,
    "input_tokens" INTEGER NOT NULL DEFAULT 0,
    "output_tokens" INTEGER NOT NULL DEFAULT 0,
    "cost_usd" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "stream" BOOLEAN NOT NULL DEFAULT false,
    "created_by_key_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "chat_completions_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "chat_completions_team_id_created_at_idx" ON "chat_completions"("team_id", "created_at");

ALTER TABLE "chat_completions" ADD CONSTRAINT "chat_completions_team_id_fkey" FOREIGN KEY ("team_id") REFERENCES "teams"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "chat_completions" ENABLE ROW LEVEL SECURITY;
CREATE POLICY team_isolation ON "chat_completions" USING (coalesce(current_setting('mantis.team_id', true), '') = '' OR team_id::text = current_setting('mantis.team_id', true));
