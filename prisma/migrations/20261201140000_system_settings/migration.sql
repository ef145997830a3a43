-- Deployment-wide facts every process must agree on: one row (id 1).
-- master_key_fingerprint identifies the vault's master key (never the key):
-- a process started with another key is detected instead of failing later on every secret.
CREATE TABLE "system_settings" (
    "id" SMALLINT NOT NULL DEFAULT 1,
    "master_key_fingerprint" TEXT,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "system_settings_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "system_settings_single_row" CHECK ("id" = 1)
);
