-- Host patterns (allowed_domains syntax) where a secret may be typed; empty: the team's allowed_domains.
ALTER TABLE "secrets" ADD COLUMN "origins" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[];
