-- One row: the fingerprint of the master key this database was set up with,
-- so a process booting with another key fails at once (README "Master key").
CREATE TABLE "mantis_instance" (
  "id" INTEGER PRIMARY KEY DEFAULT 1 CHECK ("id" = 1),
  "master_key_fingerprint" TEXT NOT NULL,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);
-- Boot reads it through the system path; the application role has no business with it.
REVOKE ALL ON "mantis_instance" FROM mantis_app;
