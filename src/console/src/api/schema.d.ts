// Generated from the server's /docs/json by openapi-typescript; test/e2e/console-sessions.e2e-spec.ts fails when it drifts.
// Regenerate: UPDATE_CONSOLE_API=1 npx vitest run test/e2e/console-sessions.e2e-spec.ts
export interface paths {
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Prometheus metrics (text exposition format)
         * @description Open unless MANTIS_METRICS_AUTH=admin (then admin principals only: 401 without valid credentials, 403 insufficient_role otherwise). Tenant metrics are labelled tenant_id (the team slug); no label ever holds a token, key, email or URL. mantis_http_request_duration_seconds is labelled by route template (e.g. /v1/runs/:run_id; "unmatched" for unknown paths). mantis_webhook_deliveries_total counts attempts by outcome: succeeded, retrying (a failed attempt that will be retried), failed (non-retryable answer or retries exhausted), refused (destination refused by the SSRF guard). Process metrics use the standard process_* and nodejs_* names.
         */
        get: operations["MetricsController_index"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/teams/{team}/audit-events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The team's audit events, newest first (auditor, team_owner, admin)
         * @description Every state-changing request (POST, PUT, PATCH, DELETE) is one event: `success`, `denied` (refused by authentication, role, scope, team membership or rate limit; a refused credential is `auth.denied` in the global chain) or `error`. Reads are not recorded. Events of actions outside any team (creating or deleting a team, granting admin) are in the global chain: `GET /api/v1/audit-events?team=global` (admin). `actor` matches a user email, a user id, or an `mk_` key prefix. `since` is inclusive, `until` exclusive. Pages are keyset-paginated: pass `next_cursor` back as `cursor`. `hash` = sha256(`prev_hash` ‖ the canonical JSON of the event), per team; `…/verify` names the first link that does not hold.
         */
        get: operations["AuditController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/teams/{team}/audit-events/export": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Streams the team's audit events, oldest first, as NDJSON or CSV */
        get: operations["AuditController_export"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/teams/{team}/audit-events/verify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Walks the team's hash chain and names the first broken link, if any */
        get: operations["AuditController_verify"];
        put?: never;
        /**
         * Verifies the chain against a head saved earlier
         * @description `ok: false` with `reason`: `signature_invalid` (not signed by a published key), `team_mismatch` (a head of another team), `checkpoint_missing` (the saved event is gone: the chain was cut), `checkpoint_hash_mismatch` (that event was rewritten), `chain_broken` (a link does not hold; `first_broken` names it). `GET …/verify` walks the chain without a checkpoint.
         */
        post: operations["AuditHeadsController_verify"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/audit-events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Audit events across every team (admin)
         * @description `team` narrows to one team slug; `team=global` selects events outside any team.
         */
        get: operations["AuditController_listAll"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/audit-events/export": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Streams audit events across every team (admin), oldest first */
        get: operations["AuditController_exportAll"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/audit-events/verify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Verifies the global chain (events outside any team), admin */
        get: operations["AuditController_verifyGlobal"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/teams/{team}/audit-events/head": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The team's chain head, signed (auditor, team_owner, admin)
         * @description `signature` is Ed25519 (base64url) over the canonical JSON (object keys sorted, no whitespace) of `{team, seq, hash, ts, key_id}`; the public key is the one with that `kid` in `GET /api/v1/audit-signing-keys`. Save a head and pass it later to `POST …/audit-events/verify`.
         */
        get: operations["AuditHeadsController_head"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/audit-signing-keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The public keys that sign audit chain heads, as a JWKS (open)
         * @description Keys of earlier rotations stay listed, so heads they signed still verify.
         */
        get: operations["AuditHeadsController_jwks"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/teams/{team}/secrets": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Names of the team's secrets with their origins and timestamps; never values (any member) */
        get: operations["SecretsController_list[0]"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/secrets": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Names of the team's secrets with their origins and timestamps; never values (any member) */
        get: operations["SecretsController_list[1]"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/teams/{team}/secrets/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Creates (201) or replaces (200) a secret; the value is encrypted and never returned
         * @description A plan may use a secret only as `{{secrets.NAME}}` in a `fill` step's `value` (or by name in an `agent` step's `secrets`). It is typed only into a page whose host matches `origins`, or, when it has none, the team's non-empty `allowed_domains`; otherwise the run fails with `secret_origin_not_allowed` and nothing is typed.
         */
        put: operations["SecretsController_put[0]"];
        post?: never;
        /** Deletes a secret */
        delete: operations["SecretsController_delete[0]"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/secrets/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Creates (201) or replaces (200) a secret; the value is encrypted and never returned
         * @description A plan may use a secret only as `{{secrets.NAME}}` in a `fill` step's `value` (or by name in an `agent` step's `secrets`). It is typed only into a page whose host matches `origins`, or, when it has none, the team's non-empty `allowed_domains`; otherwise the run fails with `secret_origin_not_allowed` and nothing is typed.
         */
        put: operations["SecretsController_put[1]"];
        post?: never;
        /** Deletes a secret */
        delete: operations["SecretsController_delete[1]"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/teams": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Teams: every team for admins, else the caller’s own teams with its role */
        get: operations["TeamsController_list"];
        put?: never;
        /**
         * Creates a team (admin)
         * @description Without `slug`, one is derived from `name` (lowercased, runs of other characters become `-`). Omitted caps take the defaults of the tenant keys file. Recorded in the global audit chain.
         */
        post: operations["TeamsController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/teams/{team}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A team: admins, or any member of it */
        get: operations["TeamsController_get"];
        put?: never;
        post?: never;
        /** Deletes a team with its workflows, runs, secrets, keys and service accounts (admin). Recorded in the global audit chain. */
        delete: operations["TeamsController_delete"];
        options?: never;
        head?: never;
        /** Changes a team’s name, caps, allowed_domains, webhook settings, monthly_budget_usd or weight (admin) */
        patch: operations["TeamsController_update"];
        trace?: never;
    };
    "/api/v1/users": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Users: every user for admins; members of the teams it owns for a team_owner */
        get: operations["UsersController_list"];
        put?: never;
        /**
         * Creates a user in a team with a role
         * @description Admins: any role, `admin` included (a global admin who is also team_owner of `team`). A team_owner: viewer, operator or auditor in its own team. An email already taken is 409 (for a team_owner, 403 insufficient_role when that user is not in its team); an admin adds an existing user to another team with PUT /api/v1/users/{email}/role or POST /api/v1/teams/{team}/members.
         */
        post: operations["UsersController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/users/{email}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A user: themself, admins, or an owner of one of its teams */
        get: operations["UsersController_get"];
        put?: never;
        post?: never;
        /**
         * Deletes a user; its API keys stop working at once
         * @description Admins: anyone but themselves. A team_owner: a non-owner user who belongs to none but its own teams.
         */
        delete: operations["UsersController_delete"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/users/{email}/role": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Sets a user’s role in a team (adding the membership if needed)
         * @description Admins: any role in any team; `role: "admin"` grants the global admin flag (no team needed). A team_owner: viewer, operator or auditor, for users already in its own team, and never for a co-owner or an admin; adding a user who is not yet in the team this way is admin only (403 insufficient_role).
         */
        put: operations["UsersController_assign"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/teams/{team}/members": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The team’s members and their roles (any member) */
        get: operations["MembersController_list"];
        put?: never;
        /**
         * Adds a user to the team (creating it when new, with `name`); a team_owner may give viewer, operator or auditor
         * @description A team_owner may add only users that are new (created here); adding an existing user, another team’s member or owner included, is admin only (403 insufficient_role).
         */
        post: operations["MembersController_add"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/teams/{team}/members/{email}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Removes a member from the team (a service account is deleted with its keys) */
        delete: operations["MembersController_remove"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/teams/{team}/service-accounts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The team’s service accounts */
        get: operations["ServiceAccountsController_list"];
        put?: never;
        /** Creates a service account (email <name>@<team>.service.mantis); a team_owner may give viewer, operator or auditor */
        post: operations["ServiceAccountsController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/teams/{team}/service-accounts/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Deletes a service account; its keys stop working at once */
        delete: operations["ServiceAccountsController_delete"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/teams/{team}/service-accounts/{name}/api-keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The service account’s keys: prefixes and metadata, never the key */
        get: operations["ServiceAccountsController_listKeys"];
        put?: never;
        /**
         * Creates a key for the service account; the raw key is in this response only
         * @description Tenant tokens (keys file) and MANTIS_API_TOKEN cannot create, rotate or revoke keys (403 insufficient_role). A key restricted to fewer than all four scopes cannot either (403 insufficient_scope). A key created or rotated with an API key never expires after that key: a later or absent expiry is cut to the creating key’s `expires_at`.
         */
        post: operations["ServiceAccountsController_createKey"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/teams/{team}/service-accounts/{name}/api-keys/{key}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Revokes a service account key
         * @description Tenant tokens (keys file) and MANTIS_API_TOKEN cannot create, rotate or revoke keys (403 insufficient_role). A key restricted to fewer than all four scopes cannot either (403 insufficient_scope). A key created or rotated with an API key never expires after that key: a later or absent expiry is cut to the creating key’s `expires_at`.
         */
        delete: operations["ServiceAccountsController_revokeKey"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/teams/{team}/service-accounts/{name}/api-keys/{key}/rotate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Rotates a service account key; the old one works until the overlap (default 24h) ends
         * @description Tenant tokens (keys file) and MANTIS_API_TOKEN cannot create, rotate or revoke keys (403 insufficient_role). A key restricted to fewer than all four scopes cannot either (403 insufficient_scope). A key created or rotated with an API key never expires after that key: a later or absent expiry is cut to the creating key’s `expires_at`.
         */
        post: operations["ServiceAccountsController_rotateKey"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/users/{email}/api-keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The user’s keys: name, prefix, timestamps, scopes, source; never the key or its hash */
        get: operations["ApiKeysController_list[0]"];
        put?: never;
        /**
         * Creates an API key; the raw key is in this response only
         * @description The user itself, a team_owner for its team’s service accounts, or an admin. `scopes` may not exceed the caller’s own (403 insufficient_scope); omitted, the key gets the caller’s scopes. `expires_in` uses s, m, h or d (e.g. 90d). A name in use by a live key is 409. Tenant tokens (keys file) and MANTIS_API_TOKEN cannot create, rotate or revoke keys (403 insufficient_role). A key restricted to fewer than all four scopes cannot either (403 insufficient_scope). A key created or rotated with an API key never expires after that key: a later or absent expiry is cut to the creating key’s `expires_at`.
         */
        post: operations["ApiKeysController_create[0]"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/teams/{team}/users/{email}/api-keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The user’s keys: name, prefix, timestamps, scopes, source; never the key or its hash */
        get: operations["ApiKeysController_list[1]"];
        put?: never;
        /**
         * Creates an API key; the raw key is in this response only
         * @description The user itself, a team_owner for its team’s service accounts, or an admin. `scopes` may not exceed the caller’s own (403 insufficient_scope); omitted, the key gets the caller’s scopes. `expires_in` uses s, m, h or d (e.g. 90d). A name in use by a live key is 409. Tenant tokens (keys file) and MANTIS_API_TOKEN cannot create, rotate or revoke keys (403 insufficient_role). A key restricted to fewer than all four scopes cannot either (403 insufficient_scope). A key created or rotated with an API key never expires after that key: a later or absent expiry is cut to the creating key’s `expires_at`.
         */
        post: operations["ApiKeysController_create[1]"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/users/{email}/api-keys/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Revokes a key: refused from the next request on, on every replica. Answers the revoked key.
         * @description Tenant tokens (keys file) and MANTIS_API_TOKEN cannot create, rotate or revoke keys (403 insufficient_role). A key restricted to fewer than all four scopes cannot either (403 insufficient_scope). A key created or rotated with an API key never expires after that key: a later or absent expiry is cut to the creating key’s `expires_at`.
         */
        delete: operations["ApiKeysController_revoke[0]"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/teams/{team}/users/{email}/api-keys/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Revokes a key: refused from the next request on, on every replica. Answers the revoked key.
         * @description Tenant tokens (keys file) and MANTIS_API_TOKEN cannot create, rotate or revoke keys (403 insufficient_role). A key restricted to fewer than all four scopes cannot either (403 insufficient_scope). A key created or rotated with an API key never expires after that key: a later or absent expiry is cut to the creating key’s `expires_at`.
         */
        delete: operations["ApiKeysController_revoke[1]"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/users/{email}/api-keys/{name}/rotate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Issues a new key under the same name and scopes; the old one keeps working until `overlap` (default 24h) has passed
         * @description Tenant tokens (keys file) and MANTIS_API_TOKEN cannot create, rotate or revoke keys (403 insufficient_role). A key restricted to fewer than all four scopes cannot either (403 insufficient_scope). A key created or rotated with an API key never expires after that key: a later or absent expiry is cut to the creating key’s `expires_at`.
         */
        post: operations["ApiKeysController_rotate[0]"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/teams/{team}/users/{email}/api-keys/{name}/rotate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Issues a new key under the same name and scopes; the old one keeps working until `overlap` (default 24h) has passed
         * @description Tenant tokens (keys file) and MANTIS_API_TOKEN cannot create, rotate or revoke keys (403 insufficient_role). A key restricted to fewer than all four scopes cannot either (403 insufficient_scope). A key created or rotated with an API key never expires after that key: a later or absent expiry is cut to the creating key’s `expires_at`.
         */
        post: operations["ApiKeysController_rotate[1]"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/teams/{team}/api-keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Keys of the team’s service accounts (keys-file tokens included): prefixes and metadata, never a key
         * @description Newest first, paged like every list (`limit`, `cursor`, `next_cursor`). People’s own keys are theirs (GET /api/v1/users/{email}/api-keys); manage service-account keys under /api/v1/teams/{team}/service-accounts/{name}/api-keys.
         */
        get: operations["TeamKeysController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/teams/{team}/usage": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Spend this month and runs per day (team_owner, auditor, admin)
         * @description `month.spent_usd`: cost of runs finished and chat calls made this calendar month (UTC); `month.reserved_usd`: reservations of runs still queued or running and of chat calls not yet answered (what budget admission counts); `days`: runs created per UTC day in [since, until) with their cost, every day listed. An omitted `until` is now, an omitted `since` the start of the UTC month of `until`; a range longer than 400 days, or `since` not before `until`, is 400 `validation_failed`.
         */
        get: operations["UsageController_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/teams/{team}/webhook-deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The team's webhook deliveries, newest first (each read is audited as webhook_delivery.list)
         * @description Outbound `run.completed` webhooks (Standard Webhooks). Headers: `webhook-id` (this delivery id, stable across retries), `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">` keyed with the team secret named `webhook_secret_name`. Rotation: keep the old secret under `<name>_previous` while receivers switch; both signatures are sent, space-separated, current first. No secret name configured: sent unsigned. A configured secret that does not resolve is retried like a network error. Attempts follow MANTIS_WEBHOOK_RETRY_SCHEDULE (seconds before attempt 1, 2, …; default 0,5,300,1800,7200,18000,36000,36000) with ±20% jitter; a longer Retry-After is honoured (at most 24 h). Network errors, timeouts (MANTIS_WEBHOOK_TIMEOUT_MS, 15 s), 5xx and 429 are retried; redirects are not followed and, like other 4xx, fail the delivery at once. Destinations in private, loopback, link-local, CGNAT, unique-local, multicast or unspecified ranges (also as IPv4-mapped IPv6) are refused (status `refused`, not retried) unless MANTIS_WEBHOOK_ALLOW_PRIVATE=true.
         */
        get: operations["WebhooksController_list[0]"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/webhook-deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The team's webhook deliveries, newest first (each read is audited as webhook_delivery.list)
         * @description Outbound `run.completed` webhooks (Standard Webhooks). Headers: `webhook-id` (this delivery id, stable across retries), `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">` keyed with the team secret named `webhook_secret_name`. Rotation: keep the old secret under `<name>_previous` while receivers switch; both signatures are sent, space-separated, current first. No secret name configured: sent unsigned. A configured secret that does not resolve is retried like a network error. Attempts follow MANTIS_WEBHOOK_RETRY_SCHEDULE (seconds before attempt 1, 2, …; default 0,5,300,1800,7200,18000,36000,36000) with ±20% jitter; a longer Retry-After is honoured (at most 24 h). Network errors, timeouts (MANTIS_WEBHOOK_TIMEOUT_MS, 15 s), 5xx and 429 are retried; redirects are not followed and, like other 4xx, fail the delivery at once. Destinations in private, loopback, link-local, CGNAT, unique-local, multicast or unspecified ranges (also as IPv4-mapped IPv6) are refused (status `refused`, not retried) unless MANTIS_WEBHOOK_ALLOW_PRIVATE=true.
         */
        get: operations["WebhooksController_list[1]"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/teams/{team}/webhook-deliveries/{id}/retry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Sends a delivery again now, with a fresh retry schedule
         * @description Any status may be retried (a succeeded delivery is resent with the same webhook-id). 409 while an attempt is in flight.
         */
        post: operations["WebhooksController_retry[0]"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/webhook-deliveries/{id}/retry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Sends a delivery again now, with a fresh retry schedule
         * @description Any status may be retried (a succeeded delivery is resent with the same webhook-id). 409 while an attempt is in flight.
         */
        post: operations["WebhooksController_retry[1]"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/runs/{run_id}/video": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A run's recording
         * @description Returns `video/webm` when the run was recorded on video, else the Playwright trace as `application/zip` (open it with `npx playwright show-trace`). The trace stops before the first secret is typed, so it never holds a secret value. 404 `not_found` when the run has neither, or is not in the caller's team.
         */
        get: operations["VideoController_video[0]"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/teams/{team}/runs/{run_id}/video": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A run's recording
         * @description Returns `video/webm` when the run was recorded on video, else the Playwright trace as `application/zip` (open it with `npx playwright show-trace`). The trace stops before the first secret is typed, so it never holds a secret value. 404 `not_found` when the run has neither, or is not in the caller's team.
         */
        get: operations["VideoController_video[1]"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/runs/{run_id}/screenshots/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A run's screenshot, as PNG
         * @description The names are those of the `artifact.saved` events (`kind` `screenshot`) and of the result's `screenshots`. 404 `not_found` for an unknown name or another team's run.
         */
        get: operations["ScreenshotsController_screenshot[0]"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/teams/{team}/runs/{run_id}/screenshots/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A run's screenshot, as PNG
         * @description The names are those of the `artifact.saved` events (`kind` `screenshot`) and of the result's `screenshots`. 404 `not_found` for an unknown name or another team's run.
         */
        get: operations["ScreenshotsController_screenshot[1]"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Models the chat facade and agent steps price (OpenAI list shape) */
        get: operations["ChatController_models"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/chat/completions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * OpenAI-compatible chat completions over the Anthropic Messages API
         * @description Paid with the caller's team key (the secret named by the team's `anthropic_secret_name`; 409 `conflict` when it is not set) and counted against the team's rate limit. Text messages only: `system` and `developer` messages become the system prompt; `max_tokens` defaults to 4096; `temperature` above 1 is clamped to 1. Every call is priced with the model price table and recorded as team usage. With `stream: true` the answer is Server-Sent Events of `chat.completion.chunk` objects ending with `data: [DONE]` (`stream_options.include_usage` adds a usage chunk). Each call reserves its worst case (every `max_tokens` output token plus its input) under the same per-team lock and budget count as runs, and is settled to its real cost when answered; with a `monthly_budget_usd`, a call whose worst case would take the month (runs and chat, spent plus reserved) past the budget gets 429 `budget_exceeded`, and so does a run whose `max_cost` would, chat spend included. Needs the `run` scope and the operator role.
         */
        post: operations["ChatController_completions"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["HealthController_live[0]"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["HealthController_live[1]"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["HealthController_live[2]"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Readiness (503 with the failing checks; `mantis doctor` explains each) */
        get: operations["HealthController_ready"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Who is calling
         * @description Any principal. `teams` lists the teams the credential may act in (a team-bound key or tenant token: only its team); `scopes` are what the credential may do on the run API (OIDC sessions and the single-tenant token carry all four).
         */
        get: operations["MeController_me"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/workflows/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["WorkflowsController_get[0]"];
        /**
         * Create or replace a workflow
         * @description 201 when new, 200 when replaced. Re-applying an identical definition keeps the version.
         */
        put: operations["WorkflowsController_apply[0]"];
        post?: never;
        delete: operations["WorkflowsController_delete[0]"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/teams/{team}/workflows/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["WorkflowsController_get[1]"];
        /**
         * Create or replace a workflow
         * @description 201 when new, 200 when replaced. Re-applying an identical definition keeps the version.
         */
        put: operations["WorkflowsController_apply[1]"];
        post?: never;
        delete: operations["WorkflowsController_delete[1]"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/workflows": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["WorkflowsController_list[0]"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/teams/{team}/workflows": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["WorkflowsController_list[1]"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/predict": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Start a run, or read or cancel one
         * @description `action` (default `run`): `run` needs scope `run` and role operator; `status`, `result`, `logs` need that scope; `cancel` needs scope `run` and role operator. `run` takes `plan` or `micro` (a workflow name, optionally `plans/<name>`). Detached: 202 with the queued run. Otherwise the call waits up to MANTIS_SYNC_WAIT_SECONDS: 200 with the run object plus `result` when it ended, else 202. A replay under the same Idempotency-Key returns the first answer. `status`/`result`/`logs`/`cancel` take `run_id` and answer as the REST routes (`logs` also takes `after`, `limit`).
         */
        post: operations["PredictController_predict"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/runs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List runs, newest first
         * @description Keyset pagination: pass `next_cursor` back as `cursor`; null on the last page.
         */
        get: operations["RunsController_list[0]"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/teams/{team}/runs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List runs, newest first
         * @description Keyset pagination: pass `next_cursor` back as `cursor`; null on the last page.
         */
        get: operations["RunsController_list[1]"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/runs/{run_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["RunsController_get[0]"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/teams/{team}/runs/{run_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["RunsController_get[1]"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/runs/{run_id}/result": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A run's result
         * @description 409 `conflict` while the run is not terminal.
         */
        get: operations["RunsController_result[0]"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/teams/{team}/runs/{run_id}/result": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A run's result
         * @description 409 `conflict` while the run is not terminal.
         */
        get: operations["RunsController_result[1]"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/runs/{run_id}/logs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A run's events
         * @description JSON page of events after `after` (a sequence number; `next_cursor` is the last one returned, null when the page is empty). With `Accept: text/event-stream`: a live Server-Sent Events stream (`id` = seq, `event` = type) from `after` (or `Last-Event-ID`), which ends once the run is terminal and every event was sent, or after at most one hour (`MANTIS_STREAM_MAX_SECONDS`; resume with `Last-Event-ID`). A team may hold at most `MANTIS_MAX_STREAMS_PER_TEAM` (default 20) open streams on an API process; one more is 429 `rate_limited`. `limit` is clamped to 1..1000.
         */
        get: operations["RunsController_logs[0]"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/teams/{team}/runs/{run_id}/logs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A run's events
         * @description JSON page of events after `after` (a sequence number; `next_cursor` is the last one returned, null when the page is empty). With `Accept: text/event-stream`: a live Server-Sent Events stream (`id` = seq, `event` = type) from `after` (or `Last-Event-ID`), which ends once the run is terminal and every event was sent, or after at most one hour (`MANTIS_STREAM_MAX_SECONDS`; resume with `Last-Event-ID`). A team may hold at most `MANTIS_MAX_STREAMS_PER_TEAM` (default 20) open streams on an API process; one more is 429 `rate_limited`. `limit` is clamped to 1..1000.
         */
        get: operations["RunsController_logs[1]"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/runs/{run_id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Cancel a run
         * @description A queued run is cancelled at once; a running one is stopped by its worker within a second, and the answer waits up to 2 s to show it `cancelled` (else it still shows `running`, with the cancellation under way). 409 if already terminal.
         */
        post: operations["RunsController_cancel[0]"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/teams/{team}/runs/{run_id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Cancel a run
         * @description A queued run is cancelled at once; a running one is stopped by its worker within a second, and the answer waits up to 2 s to show it `cancelled` (else it still shows `running`, with the cancellation under way). 409 if already terminal.
         */
        post: operations["RunsController_cancel[1]"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/run/{workflow}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Run a workflow
         * @description Body as the `run` action of /v1/predict (inputs, limits, state_key, callback_url, model); 202 with the queued run.
         */
        post: operations["ExecutionsController_run[0]"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/teams/{team}/run/{workflow}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Run a workflow
         * @description Body as the `run` action of /v1/predict (inputs, limits, state_key, callback_url, model); 202 with the queued run.
         */
        post: operations["ExecutionsController_run[1]"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/executions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["ExecutionsController_list[0]"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/teams/{team}/executions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["ExecutionsController_list[1]"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/executions/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A run with its result and step outputs */
        get: operations["ExecutionsController_get[0]"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/teams/{team}/executions/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A run with its result and step outputs */
        get: operations["ExecutionsController_get[1]"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/cancel/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["ExecutionsController_cancel[0]"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/teams/{team}/cancel/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["ExecutionsController_cancel[1]"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/hooks/{path}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["HooksController_get[0]"];
        /**
         * Create or replace an inbound hook
         * @description Paths are unique across all teams (409 `conflict` when another team holds it) and trigger only this team's workflow. 201 when new, 200 when replaced. `rate_limit_per_minute` (default 10, 0 disables) is the bucket anonymous calls of an `auth: none` hook draw from instead of the team's.
         */
        put: operations["HooksController_apply[0]"];
        post?: never;
        delete: operations["HooksController_delete[0]"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/teams/{team}/hooks/{path}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["HooksController_get[1]"];
        /**
         * Create or replace an inbound hook
         * @description Paths are unique across all teams (409 `conflict` when another team holds it) and trigger only this team's workflow. 201 when new, 200 when replaced. `rate_limit_per_minute` (default 10, 0 disables) is the bucket anonymous calls of an `auth: none` hook draw from instead of the team's.
         */
        put: operations["HooksController_apply[1]"];
        post?: never;
        delete: operations["HooksController_delete[1]"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/hooks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["HooksController_list[0]"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/teams/{team}/hooks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["HooksController_list[1]"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/hooks/{path}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Trigger a hook's workflow
         * @description A `token` hook takes the usual credentials (operator of the hook's team, scope `run`) and the team's rate limit; a hook made with `"auth": "none"` takes none. Body as POST /api/v1/run/{workflow}. 202 with the queued run (`source` `hook`). Anonymous calls of an `auth: none` hook draw from the hook's own bucket (`rate_limit_per_minute` on the hook, default 10; 429 `rate_limited`), never the team's, and may send only `inputs`: any other run option (`state_key`, `model`, `callback_url`, limits…) is 400 `validation_failed`.
         */
        post: operations["HooksController_trigger"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/methods": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Which console sign-in methods this server offers */
        get: operations["ConsoleAuthController_methods"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/oidc/login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Starts the console SSO sign-in
         * @description Redirects to the issuer (authorization code, PKCE S256, `state`, `nonce`). `return_to` must be a same-origin path (default `/console/`). The redirect URI is `MANTIS_PUBLIC_URL` (else the request's own origin) + `/auth/oidc/callback`. 404 when SSO is not configured.
         */
        get: operations["ConsoleAuthController_oidcLogin"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/oidc/callback": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The issuer returns here
         * @description Checks `state` and `nonce`, exchanges the code with the PKCE verifier, validates the ID token (`email_verified`, allowed domains, a pre-provisioned user), creates a session and redirects to `return_to`. A refusal redirects to `/console/login?error=<reason>` (`email_not_verified`, `domain_not_allowed`, `user_not_provisioned`, `sso_expired`, `sso_failed`) and is audited as `session.create` with outcome `denied`.
         */
        get: operations["ConsoleAuthController_oidcCallback"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/session": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The console session of this browser: its CSRF token and principal (current roles)
         * @description 401 `invalid_token` when the session has ended or expired.
         */
        get: operations["ConsoleAuthController_current"];
        put?: never;
        /**
         * Signs in to the console with an API key
         * @description Sets the `mantis_session` cookie (HttpOnly, SameSite=Lax, Secure over https, Path=/) for the key's principal. The session ends when the key is revoked or expires.
         */
        post: operations["ConsoleAuthController_apiKeySignIn"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/logout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Ends the console session and clears its cookie
         * @description Needs the session's X-CSRF-Token. Without a live session it only clears the cookie.
         */
        post: operations["ConsoleAuthController_logout"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        Error: {
            error: {
                /**
                 * @example not_found
                 * @enum {string}
                 */
                code: "validation_failed" | "team_required" | "missing_token" | "invalid_token" | "insufficient_scope" | "insufficient_role" | "user_not_provisioned" | "domain_not_allowed" | "destination_not_allowed" | "csrf_failed" | "not_found" | "method_not_allowed" | "idempotency_in_flight" | "conflict" | "payload_too_large" | "unsupported_media_type" | "idempotency_key_reused" | "rate_limited" | "concurrency_limit" | "budget_exceeded" | "internal_error" | "upstream_error" | "auth_not_configured" | "service_unavailable";
                message: string;
                request_id: string;
                details?: {
                    [key: string]: unknown;
                };
            };
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    MetricsController_index: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    AuditController_list: {
        parameters: {
            query?: {
                actor?: string;
                action?: string;
                outcome?: "success" | "denied" | "error";
                since?: string;
                until?: string;
                cursor?: string;
                limit?: number;
            };
            header?: never;
            path: {
                /** @description Team slug or id; the caller must be a member (or an admin). Another team is 404. */
                team: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            id: string;
                            seq: number;
                            ts: string;
                            team: string | null;
                            actor: {
                                type: string;
                                id: string | null;
                                email: string | null;
                                prefix: string | null;
                            };
                            auth_method: string | null;
                            action: string;
                            target: {
                                type: string | null;
                                id: string | null;
                            };
                            outcome: string;
                            status: number | null;
                            ip: string | null;
                            user_agent: string | null;
                            request_id: string | null;
                            details: {
                                [key: string]: unknown;
                            };
                            prev_hash: string;
                            hash: string;
                        }[];
                        next_cursor: string | null;
                    };
                };
            };
        };
    };
    AuditController_export: {
        parameters: {
            query?: {
                actor?: string;
                action?: string;
                outcome?: "success" | "denied" | "error";
                since?: string;
                until?: string;
                format?: "ndjson" | "csv";
            };
            header?: never;
            path: {
                /** @description Team slug or id; the caller must be a member (or an admin). Another team is 404. */
                team: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    AuditController_verify: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Team slug or id; the caller must be a member (or an admin). Another team is 404. */
                team: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        team: string | null;
                        ok: boolean;
                        checked: number;
                        last_hash: string;
                        first_broken: {
                            id: string;
                            seq: number;
                            ts: string;
                            /** @enum {string} */
                            reason: "prev_hash_mismatch" | "hash_mismatch";
                        } | null;
                    };
                };
            };
        };
    };
    AuditHeadsController_verify: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Team slug or id; the caller must be a member (or an admin). Another team is 404. */
                team: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    checkpoint: {
                        team: string;
                        seq: number;
                        hash: string;
                        ts: string;
                        key_id: string;
                        signature: string;
                    };
                };
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        team: string | null;
                        ok: boolean;
                        checked: number;
                        last_hash: string;
                        first_broken: {
                            id: string;
                            seq: number;
                            ts: string;
                            /** @enum {string} */
                            reason: "prev_hash_mismatch" | "hash_mismatch";
                        } | null;
                        reason: ("signature_invalid" | "team_mismatch" | "checkpoint_missing" | "checkpoint_hash_mismatch" | "chain_broken") | null;
                        checkpoint: {
                            seq: number;
                            hash: string;
                            found: boolean;
                        };
                    };
                };
            };
        };
    };
    AuditController_listAll: {
        parameters: {
            query?: {
                actor?: string;
                action?: string;
                outcome?: "success" | "denied" | "error";
                since?: string;
                until?: string;
                cursor?: string;
                limit?: number;
                team?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            id: string;
                            seq: number;
                            ts: string;
                            team: string | null;
                            actor: {
                                type: string;
                                id: string | null;
                                email: string | null;
                                prefix: string | null;
                            };
                            auth_method: string | null;
                            action: string;
                            target: {
                                type: string | null;
                                id: string | null;
                            };
                            outcome: string;
                            status: number | null;
                            ip: string | null;
                            user_agent: string | null;
                            request_id: string | null;
                            details: {
                                [key: string]: unknown;
                            };
                            prev_hash: string;
                            hash: string;
                        }[];
                        next_cursor: string | null;
                    };
                };
            };
        };
    };
    AuditController_exportAll: {
        parameters: {
            query?: {
                actor?: string;
                action?: string;
                outcome?: "success" | "denied" | "error";
                since?: string;
                until?: string;
                format?: "ndjson" | "csv";
                team?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    AuditController_verifyGlobal: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        team: string | null;
                        ok: boolean;
                        checked: number;
                        last_hash: string;
                        first_broken: {
                            id: string;
                            seq: number;
                            ts: string;
                            /** @enum {string} */
                            reason: "prev_hash_mismatch" | "hash_mismatch";
                        } | null;
                    };
                };
            };
        };
    };
    AuditHeadsController_head: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Team slug or id; the caller must be a member (or an admin). Another team is 404. */
                team: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        team: string;
                        /** @description the seq of the newest event of the chain; 0 while it is empty */
                        seq: number;
                        /** @description that event's hash (the genesis hash, 64 zeros, while empty) */
                        hash: string;
                        /** @description that event's time (the signing time while empty) */
                        ts: string;
                        /** @description `kid` of the signing key in `GET /api/v1/audit-signing-keys` */
                        key_id: string;
                        /** @description Ed25519, base64url, over the canonical JSON (keys sorted, no spaces) of the other five fields */
                        signature: string;
                    };
                };
            };
        };
    };
    AuditHeadsController_jwks: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        keys: {
                            /** @constant */
                            kty: "OKP";
                            /** @constant */
                            crv: "Ed25519";
                            x: string;
                            kid: string;
                            /** @constant */
                            alg: "EdDSA";
                            /** @constant */
                            use: "sig";
                        }[];
                    };
                };
            };
        };
    };
    "SecretsController_list[0]": {
        parameters: {
            query?: {
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path: {
                /** @description Team slug or id; the caller must be a member (or an admin). Another team is 404. */
                team: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            name: string;
                            /** @description Hosts where the secret may be typed (allowed_domains syntax). Empty or absent: the team's allowed_domains; with neither, the secret is never typed. */
                            origins: string[];
                            created_at: string;
                            updated_at: string;
                        }[];
                        /** @description pass back as `cursor` for the next page; null on the last page */
                        next_cursor: string | null;
                    };
                };
            };
        };
    };
    "SecretsController_list[1]": {
        parameters: {
            query?: {
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            name: string;
                            /** @description Hosts where the secret may be typed (allowed_domains syntax). Empty or absent: the team's allowed_domains; with neither, the secret is never typed. */
                            origins: string[];
                            created_at: string;
                            updated_at: string;
                        }[];
                        /** @description pass back as `cursor` for the next page; null on the last page */
                        next_cursor: string | null;
                    };
                };
            };
        };
    };
    "SecretsController_put[0]": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Team slug or id; the caller must be a member (or an admin). Another team is 404. */
                team: string;
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    value: string;
                    /** @description Hosts where the secret may be typed (allowed_domains syntax). Empty or absent: the team's allowed_domains; with neither, the secret is never typed. Absent on replace: the stored origins are kept. */
                    origins?: string[];
                };
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        name: string;
                        /** @description Hosts where the secret may be typed (allowed_domains syntax). Empty or absent: the team's allowed_domains; with neither, the secret is never typed. */
                        origins: string[];
                        created_at: string;
                        updated_at: string;
                    };
                };
            };
        };
    };
    "SecretsController_delete[0]": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Team slug or id; the caller must be a member (or an admin). Another team is 404. */
                team: string;
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    "SecretsController_put[1]": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    value: string;
                    /** @description Hosts where the secret may be typed (allowed_domains syntax). Empty or absent: the team's allowed_domains; with neither, the secret is never typed. Absent on replace: the stored origins are kept. */
                    origins?: string[];
                };
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        name: string;
                        /** @description Hosts where the secret may be typed (allowed_domains syntax). Empty or absent: the team's allowed_domains; with neither, the secret is never typed. */
                        origins: string[];
                        created_at: string;
                        updated_at: string;
                    };
                };
            };
        };
    };
    "SecretsController_delete[1]": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    TeamsController_list: {
        parameters: {
            query?: {
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            id: string;
                            slug: string;
                            name: string;
                            /**
                             * @description api: created over the API; keys_file: from the tenant keys file; env: the single-tenant default
                             * @enum {string}
                             */
                            source: "api" | "keys_file" | "env";
                            max_concurrent_runs: number;
                            max_cost_per_run: number;
                            max_time_minutes_per_run: number;
                            max_steps_per_plan: number | null;
                            max_loop_iterations: number | null;
                            rate_limit_per_minute: number;
                            anthropic_secret_name: string;
                            allowed_domains: string[];
                            webhook_url: string;
                            webhook_secret_name: string;
                            monthly_budget_usd: number | null;
                            weight: number;
                            /** @description the caller's role in the team (lists) */
                            role?: ("viewer" | "operator" | "auditor" | "team_owner") | null;
                            created_at: string;
                            updated_at: string;
                        }[];
                        /** @description pass back as `cursor` for the next page; null on the last page */
                        next_cursor: string | null;
                    };
                };
            };
        };
    };
    TeamsController_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    max_concurrent_runs?: number;
                    max_cost_per_run?: number;
                    max_time_minutes_per_run?: number;
                    max_steps_per_plan?: number | null;
                    max_loop_iterations?: number | null;
                    /** @description 0 disables the limit */
                    rate_limit_per_minute?: number;
                    anthropic_secret_name?: string;
                    /** @description empty: any domain */
                    allowed_domains?: string[];
                    webhook_url?: "" | string;
                    webhook_secret_name?: "" | string;
                    /** @description null: no budget */
                    monthly_budget_usd?: number | null;
                    /** @description fair-dispatch share */
                    weight?: number;
                    name: string;
                    slug?: string;
                };
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        slug: string;
                        name: string;
                        /**
                         * @description api: created over the API; keys_file: from the tenant keys file; env: the single-tenant default
                         * @enum {string}
                         */
                        source: "api" | "keys_file" | "env";
                        max_concurrent_runs: number;
                        max_cost_per_run: number;
                        max_time_minutes_per_run: number;
                        max_steps_per_plan: number | null;
                        max_loop_iterations: number | null;
                        rate_limit_per_minute: number;
                        anthropic_secret_name: string;
                        allowed_domains: string[];
                        webhook_url: string;
                        webhook_secret_name: string;
                        monthly_budget_usd: number | null;
                        weight: number;
                        /** @description the caller's role in the team (lists) */
                        role?: ("viewer" | "operator" | "auditor" | "team_owner") | null;
                        created_at: string;
                        updated_at: string;
                    };
                };
            };
        };
    };
    TeamsController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Team slug or id; the caller must be a member (or an admin). Another team is 404. */
                team: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        slug: string;
                        name: string;
                        /**
                         * @description api: created over the API; keys_file: from the tenant keys file; env: the single-tenant default
                         * @enum {string}
                         */
                        source: "api" | "keys_file" | "env";
                        max_concurrent_runs: number;
                        max_cost_per_run: number;
                        max_time_minutes_per_run: number;
                        max_steps_per_plan: number | null;
                        max_loop_iterations: number | null;
                        rate_limit_per_minute: number;
                        anthropic_secret_name: string;
                        allowed_domains: string[];
                        webhook_url: string;
                        webhook_secret_name: string;
                        monthly_budget_usd: number | null;
                        weight: number;
                        /** @description the caller's role in the team (lists) */
                        role?: ("viewer" | "operator" | "auditor" | "team_owner") | null;
                        created_at: string;
                        updated_at: string;
                    };
                };
            };
        };
    };
    TeamsController_delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Team slug or id; the caller must be a member (or an admin). Another team is 404. */
                team: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    TeamsController_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Team slug or id; the caller must be a member (or an admin). Another team is 404. */
                team: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    max_concurrent_runs?: number;
                    max_cost_per_run?: number;
                    max_time_minutes_per_run?: number;
                    max_steps_per_plan?: number | null;
                    max_loop_iterations?: number | null;
                    /** @description 0 disables the limit */
                    rate_limit_per_minute?: number;
                    anthropic_secret_name?: string;
                    /** @description empty: any domain */
                    allowed_domains?: string[];
                    webhook_url?: "" | string;
                    webhook_secret_name?: "" | string;
                    /** @description null: no budget */
                    monthly_budget_usd?: number | null;
                    /** @description fair-dispatch share */
                    weight?: number;
                    name?: string;
                };
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        slug: string;
                        name: string;
                        /**
                         * @description api: created over the API; keys_file: from the tenant keys file; env: the single-tenant default
                         * @enum {string}
                         */
                        source: "api" | "keys_file" | "env";
                        max_concurrent_runs: number;
                        max_cost_per_run: number;
                        max_time_minutes_per_run: number;
                        max_steps_per_plan: number | null;
                        max_loop_iterations: number | null;
                        rate_limit_per_minute: number;
                        anthropic_secret_name: string;
                        allowed_domains: string[];
                        webhook_url: string;
                        webhook_secret_name: string;
                        monthly_budget_usd: number | null;
                        weight: number;
                        /** @description the caller's role in the team (lists) */
                        role?: ("viewer" | "operator" | "auditor" | "team_owner") | null;
                        created_at: string;
                        updated_at: string;
                    };
                };
            };
        };
    };
    UsersController_list: {
        parameters: {
            query?: {
                team?: string;
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            id: string;
                            email: string;
                            name: string;
                            /** @enum {string} */
                            kind: "human" | "service";
                            admin: boolean;
                            teams: {
                                team: string;
                                /** @enum {string} */
                                role: "viewer" | "operator" | "auditor" | "team_owner";
                            }[];
                            created_at: string;
                        }[];
                        next_cursor: string | null;
                    };
                };
            };
        };
    };
    UsersController_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** Format: email */
                    email: string;
                    name: string;
                    team: string;
                    /**
                     * @description `admin` makes a global admin (admins only) who is also team_owner of `team`
                     * @default viewer
                     * @enum {string}
                     */
                    role?: "viewer" | "operator" | "auditor" | "team_owner" | "admin";
                };
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        email: string;
                        name: string;
                        /** @enum {string} */
                        kind: "human" | "service";
                        admin: boolean;
                        teams: {
                            team: string;
                            /** @enum {string} */
                            role: "viewer" | "operator" | "auditor" | "team_owner";
                        }[];
                        created_at: string;
                    };
                };
            };
        };
    };
    UsersController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                email: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        email: string;
                        name: string;
                        /** @enum {string} */
                        kind: "human" | "service";
                        admin: boolean;
                        teams: {
                            team: string;
                            /** @enum {string} */
                            role: "viewer" | "operator" | "auditor" | "team_owner";
                        }[];
                        created_at: string;
                    };
                };
            };
        };
    };
    UsersController_delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                email: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    UsersController_assign: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                email: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description defaults to X-Mantis-Team or the caller’s only team; not needed for `admin` */
                    team?: string;
                    /** @enum {string} */
                    role: "viewer" | "operator" | "auditor" | "team_owner" | "admin";
                };
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        email: string;
                        name: string;
                        /** @enum {string} */
                        kind: "human" | "service";
                        admin: boolean;
                        teams: {
                            team: string;
                            /** @enum {string} */
                            role: "viewer" | "operator" | "auditor" | "team_owner";
                        }[];
                        created_at: string;
                    };
                };
            };
        };
    };
    MembersController_list: {
        parameters: {
            query?: {
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path: {
                /** @description Team slug or id; the caller must be a member (or an admin). Another team is 404. */
                team: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            email: string;
                            name: string;
                            /** @enum {string} */
                            kind: "human" | "service";
                            /** @enum {string} */
                            role: "viewer" | "operator" | "auditor" | "team_owner";
                            admin: boolean;
                            since: string;
                        }[];
                        /** @description pass back as `cursor` for the next page; null on the last page */
                        next_cursor: string | null;
                    };
                };
            };
        };
    };
    MembersController_add: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Team slug or id; the caller must be a member (or an admin). Another team is 404. */
                team: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** Format: email */
                    email: string;
                    /** @enum {string} */
                    role: "viewer" | "operator" | "auditor" | "team_owner";
                    /** @description creates the user when there is none with this email */
                    name?: string;
                };
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        email: string;
                        name: string;
                        /** @enum {string} */
                        kind: "human" | "service";
                        /** @enum {string} */
                        role: "viewer" | "operator" | "auditor" | "team_owner";
                        admin: boolean;
                        since: string;
                    };
                };
            };
        };
    };
    MembersController_remove: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Team slug or id; the caller must be a member (or an admin). Another team is 404. */
                team: string;
                email: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    ServiceAccountsController_list: {
        parameters: {
            query?: {
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path: {
                /** @description Team slug or id; the caller must be a member (or an admin). Another team is 404. */
                team: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            name: string;
                            email: string;
                            team: string;
                            /** @enum {string} */
                            role: "viewer" | "operator" | "auditor" | "team_owner";
                            created_at: string;
                        }[];
                        /** @description pass back as `cursor` for the next page; null on the last page */
                        next_cursor: string | null;
                    };
                };
            };
        };
    };
    ServiceAccountsController_create: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Team slug or id; the caller must be a member (or an admin). Another team is 404. */
                team: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    name: string;
                    /**
                     * @default operator
                     * @enum {string}
                     */
                    role?: "viewer" | "operator" | "auditor" | "team_owner";
                };
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        name: string;
                        email: string;
                        team: string;
                        /** @enum {string} */
                        role: "viewer" | "operator" | "auditor" | "team_owner";
                        created_at: string;
                    };
                };
            };
        };
    };
    ServiceAccountsController_delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Team slug or id; the caller must be a member (or an admin). Another team is 404. */
                team: string;
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    ServiceAccountsController_listKeys: {
        parameters: {
            query?: {
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path: {
                /** @description Team slug or id; the caller must be a member (or an admin). Another team is 404. */
                team: string;
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            name: string;
                            prefix: string;
                            created_at: string;
                            last_used_at: string | null;
                            expires_at: string | null;
                            revoked_at: string | null;
                            scopes: ("run" | "status" | "result" | "logs")[];
                            /** @enum {string} */
                            source: "api" | "keys_file" | "env";
                        }[];
                        /** @description pass back as `cursor` for the next page; null on the last page */
                        next_cursor: string | null;
                    };
                };
            };
        };
    };
    ServiceAccountsController_createKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Team slug or id; the caller must be a member (or an admin). Another team is 404. */
                team: string;
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    name: string;
                    expires_in?: string;
                    scopes?: ("run" | "status" | "result" | "logs")[];
                };
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description The raw key: shown once, never again */
                        key: string;
                        name: string;
                        prefix: string;
                        expires_at: string | null;
                        scopes: ("run" | "status" | "result" | "logs")[];
                    };
                };
            };
        };
    };
    ServiceAccountsController_revokeKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Team slug or id; the caller must be a member (or an admin). Another team is 404. */
                team: string;
                name: string;
                key: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        name: string;
                        prefix: string;
                        created_at: string;
                        last_used_at: string | null;
                        expires_at: string | null;
                        revoked_at: string | null;
                        scopes: ("run" | "status" | "result" | "logs")[];
                        /** @enum {string} */
                        source: "api" | "keys_file" | "env";
                    };
                };
            };
        };
    };
    ServiceAccountsController_rotateKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Team slug or id; the caller must be a member (or an admin). Another team is 404. */
                team: string;
                name: string;
                key: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    overlap?: string;
                };
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description The raw key: shown once, never again */
                        key: string;
                        name: string;
                        prefix: string;
                        expires_at: string | null;
                        scopes: ("run" | "status" | "result" | "logs")[];
                    };
                };
            };
        };
    };
    "ApiKeysController_list[0]": {
        parameters: {
            query?: {
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path: {
                email: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            name: string;
                            prefix: string;
                            created_at: string;
                            last_used_at: string | null;
                            expires_at: string | null;
                            revoked_at: string | null;
                            scopes: ("run" | "status" | "result" | "logs")[];
                            /** @enum {string} */
                            source: "api" | "keys_file" | "env";
                        }[];
                        /** @description pass back as `cursor` for the next page; null on the last page */
                        next_cursor: string | null;
                    };
                };
            };
        };
    };
    "ApiKeysController_create[0]": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                email: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    name: string;
                    expires_in?: string;
                    scopes?: ("run" | "status" | "result" | "logs")[];
                };
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description The raw key: shown once, never again */
                        key: string;
                        name: string;
                        prefix: string;
                        expires_at: string | null;
                        scopes: ("run" | "status" | "result" | "logs")[];
                    };
                };
            };
        };
    };
    "ApiKeysController_list[1]": {
        parameters: {
            query?: {
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path: {
                /** @description Team slug or id; the caller must be a member (or an admin). Another team is 404. */
                team: string;
                email: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            name: string;
                            prefix: string;
                            created_at: string;
                            last_used_at: string | null;
                            expires_at: string | null;
                            revoked_at: string | null;
                            scopes: ("run" | "status" | "result" | "logs")[];
                            /** @enum {string} */
                            source: "api" | "keys_file" | "env";
                        }[];
                        /** @description pass back as `cursor` for the next page; null on the last page */
                        next_cursor: string | null;
                    };
                };
            };
        };
    };
    "ApiKeysController_create[1]": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Team slug or id; the caller must be a member (or an admin). Another team is 404. */
                team: string;
                email: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    name: string;
                    expires_in?: string;
                    scopes?: ("run" | "status" | "result" | "logs")[];
                };
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description The raw key: shown once, never again */
                        key: string;
                        name: string;
                        prefix: string;
                        expires_at: string | null;
                        scopes: ("run" | "status" | "result" | "logs")[];
                    };
                };
            };
        };
    };
    "ApiKeysController_revoke[0]": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                email: string;
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        name: string;
                        prefix: string;
                        created_at: string;
                        last_used_at: string | null;
                        expires_at: string | null;
                        revoked_at: string | null;
                        scopes: ("run" | "status" | "result" | "logs")[];
                        /** @enum {string} */
                        source: "api" | "keys_file" | "env";
                    };
                };
            };
        };
    };
    "ApiKeysController_revoke[1]": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Team slug or id; the caller must be a member (or an admin). Another team is 404. */
                team: string;
                email: string;
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        name: string;
                        prefix: string;
                        created_at: string;
                        last_used_at: string | null;
                        expires_at: string | null;
                        revoked_at: string | null;
                        scopes: ("run" | "status" | "result" | "logs")[];
                        /** @enum {string} */
                        source: "api" | "keys_file" | "env";
                    };
                };
            };
        };
    };
    "ApiKeysController_rotate[0]": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                email: string;
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    overlap?: string;
                };
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description The raw key: shown once, never again */
                        key: string;
                        name: string;
                        prefix: string;
                        expires_at: string | null;
                        scopes: ("run" | "status" | "result" | "logs")[];
                    };
                };
            };
        };
    };
    "ApiKeysController_rotate[1]": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Team slug or id; the caller must be a member (or an admin). Another team is 404. */
                team: string;
                email: string;
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    overlap?: string;
                };
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description The raw key: shown once, never again */
                        key: string;
                        name: string;
                        prefix: string;
                        expires_at: string | null;
                        scopes: ("run" | "status" | "result" | "logs")[];
                    };
                };
            };
        };
    };
    TeamKeysController_list: {
        parameters: {
            query?: {
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path: {
                /** @description Team slug or id; the caller must be a member (or an admin). Another team is 404. */
                team: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            name: string;
                            prefix: string;
                            created_at: string;
                            last_used_at: string | null;
                            expires_at: string | null;
                            revoked_at: string | null;
                            scopes: ("run" | "status" | "result" | "logs")[];
                            /** @enum {string} */
                            source: "api" | "keys_file" | "env";
                            user: string;
                            service_account: string;
                        }[];
                        /** @description pass back as `cursor` for the next page; null on the last page */
                        next_cursor: string | null;
                    };
                };
            };
        };
    };
    UsageController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Team slug or id; the caller must be a member (or an admin). Another team is 404. */
                team: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        team: string;
                        month: {
                            spent_usd: number;
                            reserved_usd: number;
                            budget_usd: number | null;
                        };
                        days: {
                            date: string;
                            runs: number;
                            cost_usd: number;
                        }[];
                    };
                };
            };
        };
    };
    "WebhooksController_list[0]": {
        parameters: {
            query?: {
                status?: "pending" | "succeeded" | "failed" | "refused";
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path: {
                /** @description Team slug or id; the caller must be a member (or an admin). Another team is 404. */
                team: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            /** @description Also the webhook-id header, stable across retries */
                            id: string;
                            run_id: string | null;
                            event_type: string;
                            url: string;
                            /**
                             * @description refused: the SSRF guard refused the destination; not retried
                             * @enum {string}
                             */
                            status: "pending" | "succeeded" | "failed" | "refused";
                            attempts: number;
                            /** @description When the next attempt is due; null unless pending */
                            next_attempt_at: string | null;
                            last_attempt_at: string | null;
                            last_status_code: number | null;
                            last_error: string | null;
                            created_at: string;
                            updated_at: string;
                        }[];
                        next_cursor: string | null;
                    };
                };
            };
        };
    };
    "WebhooksController_list[1]": {
        parameters: {
            query?: {
                status?: "pending" | "succeeded" | "failed" | "refused";
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            /** @description Also the webhook-id header, stable across retries */
                            id: string;
                            run_id: string | null;
                            event_type: string;
                            url: string;
                            /**
                             * @description refused: the SSRF guard refused the destination; not retried
                             * @enum {string}
                             */
                            status: "pending" | "succeeded" | "failed" | "refused";
                            attempts: number;
                            /** @description When the next attempt is due; null unless pending */
                            next_attempt_at: string | null;
                            last_attempt_at: string | null;
                            last_status_code: number | null;
                            last_error: string | null;
                            created_at: string;
                            updated_at: string;
                        }[];
                        next_cursor: string | null;
                    };
                };
            };
        };
    };
    "WebhooksController_retry[0]": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Team slug or id; the caller must be a member (or an admin). Another team is 404. */
                team: string;
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description Also the webhook-id header, stable across retries */
                        id: string;
                        run_id: string | null;
                        event_type: string;
                        url: string;
                        /**
                         * @description refused: the SSRF guard refused the destination; not retried
                         * @enum {string}
                         */
                        status: "pending" | "succeeded" | "failed" | "refused";
                        attempts: number;
                        /** @description When the next attempt is due; null unless pending */
                        next_attempt_at: string | null;
                        last_attempt_at: string | null;
                        last_status_code: number | null;
                        last_error: string | null;
                        created_at: string;
                        updated_at: string;
                    };
                };
            };
        };
    };
    "WebhooksController_retry[1]": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description Also the webhook-id header, stable across retries */
                        id: string;
                        run_id: string | null;
                        event_type: string;
                        url: string;
                        /**
                         * @description refused: the SSRF guard refused the destination; not retried
                         * @enum {string}
                         */
                        status: "pending" | "succeeded" | "failed" | "refused";
                        attempts: number;
                        /** @description When the next attempt is due; null unless pending */
                        next_attempt_at: string | null;
                        last_attempt_at: string | null;
                        last_status_code: number | null;
                        last_error: string | null;
                        created_at: string;
                        updated_at: string;
                    };
                };
            };
        };
    };
    "VideoController_video[0]": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                run_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    "VideoController_video[1]": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Team slug or id; the caller must be a member (or an admin). Another team is 404. */
                team: string;
                run_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    "ScreenshotsController_screenshot[0]": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                run_id: string;
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    "ScreenshotsController_screenshot[1]": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Team slug or id; the caller must be a member (or an admin). Another team is 404. */
                team: string;
                run_id: string;
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    ChatController_models: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @constant */
                        object: "list";
                        data: {
                            id: string;
                            /** @constant */
                            object: "model";
                            created: number;
                            owned_by: string;
                        }[];
                    };
                };
            };
        };
    };
    ChatController_completions: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    model: string;
                    messages: {
                        /** @enum {string} */
                        role: "system" | "developer" | "user" | "assistant";
                        content: (string | {
                            /** @constant */
                            type: "text";
                            text: string;
                        }[]) | null;
                        name?: string;
                    }[];
                    max_tokens?: number | null;
                    max_completion_tokens?: number | null;
                    temperature?: number | null;
                    top_p?: number | null;
                    stop?: (string | string[]) | null;
                    stream?: boolean | null;
                    stream_options?: {
                        include_usage?: boolean;
                    } | null;
                    n?: 1 | null;
                    user?: string | null;
                } & {
                    [key: string]: unknown;
                };
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        /** @constant */
                        object: "chat.completion";
                        created: number;
                        model: string;
                        choices: {
                            index: number;
                            message: {
                                /** @constant */
                                role: "assistant";
                                content: string;
                                refusal: null;
                            };
                            /** @enum {string} */
                            finish_reason: "stop" | "length" | "tool_calls" | "content_filter";
                            logprobs: null;
                        }[];
                        usage: {
                            prompt_tokens: number;
                            completion_tokens: number;
                            total_tokens: number;
                        };
                    };
                };
            };
        };
    };
    "HealthController_live[0]": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    "HealthController_live[1]": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    "HealthController_live[2]": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    HealthController_ready: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The Health Check is successful */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /**
                         * @example ok
                         * @enum {string}
                         */
                        status?: "ok" | "degraded";
                        /**
                         * @example {
                         *       "database": {
                         *         "status": "up",
                         *         "responseTime": 12
                         *       }
                         *     }
                         */
                        info?: {
                            [key: string]: {
                                /** @enum {string} */
                                status: "up" | "degraded" | "down";
                                /** @description Time the health indicator took to respond, in ms */
                                responseTime?: number;
                            } & {
                                [key: string]: unknown;
                            };
                        } | null;
                        /** @example {} */
                        error?: {
                            [key: string]: {
                                /** @enum {string} */
                                status: "up" | "degraded" | "down";
                                /** @description Time the health indicator took to respond, in ms */
                                responseTime?: number;
                            } & {
                                [key: string]: unknown;
                            };
                        } | null;
                        /**
                         * @example {
                         *       "database": {
                         *         "status": "up",
                         *         "responseTime": 12
                         *       }
                         *     }
                         */
                        details?: {
                            [key: string]: {
                                /** @enum {string} */
                                status: "up" | "degraded" | "down";
                                /** @description Time the health indicator took to respond, in ms */
                                responseTime?: number;
                            } & {
                                [key: string]: unknown;
                            };
                        };
                    };
                };
            };
            /** @description The Health Check is not successful */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /**
                         * @example error
                         * @enum {string}
                         */
                        status?: "error" | "shutting_down";
                        /**
                         * @example {
                         *       "database": {
                         *         "status": "up",
                         *         "responseTime": 12
                         *       }
                         *     }
                         */
                        info?: {
                            [key: string]: {
                                /** @enum {string} */
                                status: "up" | "degraded" | "down";
                                /** @description Time the health indicator took to respond, in ms */
                                responseTime?: number;
                            } & {
                                [key: string]: unknown;
                            };
                        } | null;
                        /**
                         * @example {
                         *       "redis": {
                         *         "status": "down",
                         *         "message": "Could not connect",
                         *         "responseTime": 3005
                         *       }
                         *     }
                         */
                        error?: {
                            [key: string]: {
                                /** @enum {string} */
                                status: "up" | "degraded" | "down";
                                /** @description Time the health indicator took to respond, in ms */
                                responseTime?: number;
                            } & {
                                [key: string]: unknown;
                            };
                        } | null;
                        /**
                         * @example {
                         *       "database": {
                         *         "status": "up",
                         *         "responseTime": 12
                         *       },
                         *       "redis": {
                         *         "status": "down",
                         *         "message": "Could not connect",
                         *         "responseTime": 3005
                         *       }
                         *     }
                         */
                        details?: {
                            [key: string]: {
                                /** @enum {string} */
                                status: "up" | "degraded" | "down";
                                /** @description Time the health indicator took to respond, in ms */
                                responseTime?: number;
                            } & {
                                [key: string]: unknown;
                            };
                        };
                    };
                };
            };
        };
    };
    MeController_me: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        kind: "user" | "service";
                        email: string;
                        admin: boolean;
                        teams: {
                            team: string;
                            /** @enum {string} */
                            role: "viewer" | "operator" | "auditor" | "team_owner";
                        }[];
                        scopes: ("run" | "status" | "result" | "logs")[];
                        /** @enum {string} */
                        auth_method: "api_key" | "tenant_token" | "single_tenant" | "oidc";
                    };
                };
            };
        };
    };
    "WorkflowsController_get[0]": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        name: string;
                        tenant_id: string;
                        description: string;
                        version: number;
                        plan: unknown;
                        created_at: string;
                        updated_at: string;
                    };
                };
            };
        };
    };
    "WorkflowsController_apply[0]": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    plan: {
                        start_url?: string;
                        steps: {
                            [key: string]: unknown;
                        }[];
                    };
                    description?: string;
                };
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        name: string;
                        tenant_id: string;
                        description: string;
                        version: number;
                        plan: unknown;
                        created_at: string;
                        updated_at: string;
                    };
                };
            };
        };
    };
    "WorkflowsController_delete[0]": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    "WorkflowsController_get[1]": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Team slug or id; the caller must be a member (or an admin). Another team is 404. */
                team: string;
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        name: string;
                        tenant_id: string;
                        description: string;
                        version: number;
                        plan: unknown;
                        created_at: string;
                        updated_at: string;
                    };
                };
            };
        };
    };
    "WorkflowsController_apply[1]": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Team slug or id; the caller must be a member (or an admin). Another team is 404. */
                team: string;
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    plan: {
                        start_url?: string;
                        steps: {
                            [key: string]: unknown;
                        }[];
                    };
                    description?: string;
                };
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        name: string;
                        tenant_id: string;
                        description: string;
                        version: number;
                        plan: unknown;
                        created_at: string;
                        updated_at: string;
                    };
                };
            };
        };
    };
    "WorkflowsController_delete[1]": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Team slug or id; the caller must be a member (or an admin). Another team is 404. */
                team: string;
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    "WorkflowsController_list[0]": {
        parameters: {
            query?: {
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            name: string;
                            tenant_id: string;
                            description: string;
                            version: number;
                            plan: unknown;
                            created_at: string;
                            updated_at: string;
                        }[];
                        /** @description pass back as `cursor` for the next page; null on the last page */
                        next_cursor: string | null;
                    };
                };
            };
        };
    };
    "WorkflowsController_list[1]": {
        parameters: {
            query?: {
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path: {
                /** @description Team slug or id; the caller must be a member (or an admin). Another team is 404. */
                team: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            name: string;
                            tenant_id: string;
                            description: string;
                            version: number;
                            plan: unknown;
                            created_at: string;
                            updated_at: string;
                        }[];
                        /** @description pass back as `cursor` for the next page; null on the last page */
                        next_cursor: string | null;
                    };
                };
            };
        };
    };
    PredictController_predict: {
        parameters: {
            query?: never;
            header?: {
                /** @description 1 to 255 characters. Scoped to the team (or to the caller outside any team) for 24 hours and bound to the request (method, path and body). The same key and body replay the first successful response with `Idempotent-Replayed: true`; another body is 422 `idempotency_key_reused`; a key still in flight is 409 `idempotency_in_flight`. A request that fails stores nothing, so the key may be retried. */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @constant */
                    action?: "run";
                    plan?: {
                        start_url?: string;
                        steps: {
                            [key: string]: unknown;
                        }[];
                    };
                    micro?: string;
                    detached?: boolean;
                    state_key?: string;
                    inputs?: {
                        [key: string]: unknown;
                    };
                    max_cost?: number;
                    max_time_minutes?: number;
                    max_steps?: number;
                    max_loop_iterations?: number;
                    /** Format: uri */
                    callback_url?: string;
                    model?: string;
                };
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    "RunsController_list[0]": {
        parameters: {
            query?: {
                status?: "queued" | "running" | "succeeded" | "failed" | "cancelled" | "timed_out";
                workflow?: string;
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            run_id: string;
                            tenant_id: string;
                            /** @enum {string} */
                            status: "queued" | "running" | "succeeded" | "failed" | "cancelled" | "timed_out";
                            created_at: string;
                            started_at: string | null;
                            finished_at: string | null;
                            state_key: string | null;
                            limits: {
                                max_cost: number;
                                max_time_minutes: number;
                                max_steps: number;
                                max_loop_iterations: number;
                            };
                            cost_usd: number;
                            steps_completed: number;
                            workflow: string | null;
                            /** @enum {string} */
                            source: "predict" | "workflow" | "hook";
                            error: {
                                code: string;
                                message: string;
                            } | null;
                        }[];
                        next_cursor: string | null;
                    };
                };
            };
        };
    };
    "RunsController_list[1]": {
        parameters: {
            query?: {
                status?: "queued" | "running" | "succeeded" | "failed" | "cancelled" | "timed_out";
                workflow?: string;
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path: {
                /** @description Team slug or id; the caller must be a member (or an admin). Another team is 404. */
                team: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            run_id: string;
                            tenant_id: string;
                            /** @enum {string} */
                            status: "queued" | "running" | "succeeded" | "failed" | "cancelled" | "timed_out";
                            created_at: string;
                            started_at: string | null;
                            finished_at: string | null;
                            state_key: string | null;
                            limits: {
                                max_cost: number;
                                max_time_minutes: number;
                                max_steps: number;
                                max_loop_iterations: number;
                            };
                            cost_usd: number;
                            steps_completed: number;
                            workflow: string | null;
                            /** @enum {string} */
                            source: "predict" | "workflow" | "hook";
                            error: {
                                code: string;
                                message: string;
                            } | null;
                        }[];
                        next_cursor: string | null;
                    };
                };
            };
        };
    };
    "RunsController_get[0]": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                run_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        run_id: string;
                        tenant_id: string;
                        /** @enum {string} */
                        status: "queued" | "running" | "succeeded" | "failed" | "cancelled" | "timed_out";
                        created_at: string;
                        started_at: string | null;
                        finished_at: string | null;
                        state_key: string | null;
                        limits: {
                            max_cost: number;
                            max_time_minutes: number;
                            max_steps: number;
                            max_loop_iterations: number;
                        };
                        cost_usd: number;
                        steps_completed: number;
                        workflow: string | null;
                        /** @enum {string} */
                        source: "predict" | "workflow" | "hook";
                        error: {
                            code: string;
                            message: string;
                        } | null;
                    };
                };
            };
        };
    };
    "RunsController_get[1]": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Team slug or id; the caller must be a member (or an admin). Another team is 404. */
                team: string;
                run_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        run_id: string;
                        tenant_id: string;
                        /** @enum {string} */
                        status: "queued" | "running" | "succeeded" | "failed" | "cancelled" | "timed_out";
                        created_at: string;
                        started_at: string | null;
                        finished_at: string | null;
                        state_key: string | null;
                        limits: {
                            max_cost: number;
                            max_time_minutes: number;
                            max_steps: number;
                            max_loop_iterations: number;
                        };
                        cost_usd: number;
                        steps_completed: number;
                        workflow: string | null;
                        /** @enum {string} */
                        source: "predict" | "workflow" | "hook";
                        error: {
                            code: string;
                            message: string;
                        } | null;
                    };
                };
            };
        };
    };
    "RunsController_result[0]": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                run_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        run_id: string;
                        /** @enum {string} */
                        status: "queued" | "running" | "succeeded" | "failed" | "cancelled" | "timed_out";
                        result: unknown;
                        cost_usd: number;
                        error: {
                            code: string;
                            message: string;
                        } | null;
                    };
                };
            };
        };
    };
    "RunsController_result[1]": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Team slug or id; the caller must be a member (or an admin). Another team is 404. */
                team: string;
                run_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        run_id: string;
                        /** @enum {string} */
                        status: "queued" | "running" | "succeeded" | "failed" | "cancelled" | "timed_out";
                        result: unknown;
                        cost_usd: number;
                        error: {
                            code: string;
                            message: string;
                        } | null;
                    };
                };
            };
        };
    };
    "RunsController_logs[0]": {
        parameters: {
            query?: {
                after?: number;
                limit?: number;
            };
            header?: never;
            path: {
                run_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            seq: number;
                            type: string;
                            ts: string;
                            data: {
                                [key: string]: unknown;
                            };
                        }[];
                        next_cursor: string | null;
                    };
                    "text/event-stream": {
                        data: {
                            seq: number;
                            type: string;
                            ts: string;
                            data: {
                                [key: string]: unknown;
                            };
                        }[];
                        next_cursor: string | null;
                    };
                };
            };
        };
    };
    "RunsController_logs[1]": {
        parameters: {
            query?: {
                after?: number;
                limit?: number;
            };
            header?: never;
            path: {
                /** @description Team slug or id; the caller must be a member (or an admin). Another team is 404. */
                team: string;
                run_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            seq: number;
                            type: string;
                            ts: string;
                            data: {
                                [key: string]: unknown;
                            };
                        }[];
                        next_cursor: string | null;
                    };
                    "text/event-stream": {
                        data: {
                            seq: number;
                            type: string;
                            ts: string;
                            data: {
                                [key: string]: unknown;
                            };
                        }[];
                        next_cursor: string | null;
                    };
                };
            };
        };
    };
    "RunsController_cancel[0]": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                run_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        run_id: string;
                        tenant_id: string;
                        /** @enum {string} */
                        status: "queued" | "running" | "succeeded" | "failed" | "cancelled" | "timed_out";
                        created_at: string;
                        started_at: string | null;
                        finished_at: string | null;
                        state_key: string | null;
                        limits: {
                            max_cost: number;
                            max_time_minutes: number;
                            max_steps: number;
                            max_loop_iterations: number;
                        };
                        cost_usd: number;
                        steps_completed: number;
                        workflow: string | null;
                        /** @enum {string} */
                        source: "predict" | "workflow" | "hook";
                        error: {
                            code: string;
                            message: string;
                        } | null;
                    };
                };
            };
        };
    };
    "RunsController_cancel[1]": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Team slug or id; the caller must be a member (or an admin). Another team is 404. */
                team: string;
                run_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        run_id: string;
                        tenant_id: string;
                        /** @enum {string} */
                        status: "queued" | "running" | "succeeded" | "failed" | "cancelled" | "timed_out";
                        created_at: string;
                        started_at: string | null;
                        finished_at: string | null;
                        state_key: string | null;
                        limits: {
                            max_cost: number;
                            max_time_minutes: number;
                            max_steps: number;
                            max_loop_iterations: number;
                        };
                        cost_usd: number;
                        steps_completed: number;
                        workflow: string | null;
                        /** @enum {string} */
                        source: "predict" | "workflow" | "hook";
                        error: {
                            code: string;
                            message: string;
                        } | null;
                    };
                };
            };
        };
    };
    "ExecutionsController_run[0]": {
        parameters: {
            query?: never;
            header?: {
                /** @description 1 to 255 characters. Scoped to the team (or to the caller outside any team) for 24 hours and bound to the request (method, path and body). The same key and body replay the first successful response with `Idempotent-Replayed: true`; another body is 422 `idempotency_key_reused`; a key still in flight is 409 `idempotency_in_flight`. A request that fails stores nothing, so the key may be retried. */
                "Idempotency-Key"?: string;
            };
            path: {
                workflow: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    state_key?: string;
                    inputs?: {
                        [key: string]: unknown;
                    };
                    max_cost?: number;
                    max_time_minutes?: number;
                    max_steps?: number;
                    max_loop_iterations?: number;
                    /** Format: uri */
                    callback_url?: string;
                    model?: string;
                };
            };
        };
        responses: {
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        run_id: string;
                        tenant_id: string;
                        /** @enum {string} */
                        status: "queued" | "running" | "succeeded" | "failed" | "cancelled" | "timed_out";
                        created_at: string;
                        started_at: string | null;
                        finished_at: string | null;
                        state_key: string | null;
                        limits: {
                            max_cost: number;
                            max_time_minutes: number;
                            max_steps: number;
                            max_loop_iterations: number;
                        };
                        cost_usd: number;
                        steps_completed: number;
                        workflow: string | null;
                        /** @enum {string} */
                        source: "predict" | "workflow" | "hook";
                        error: {
                            code: string;
                            message: string;
                        } | null;
                    };
                };
            };
        };
    };
    "ExecutionsController_run[1]": {
        parameters: {
            query?: never;
            header?: {
                /** @description 1 to 255 characters. Scoped to the team (or to the caller outside any team) for 24 hours and bound to the request (method, path and body). The same key and body replay the first successful response with `Idempotent-Replayed: true`; another body is 422 `idempotency_key_reused`; a key still in flight is 409 `idempotency_in_flight`. A request that fails stores nothing, so the key may be retried. */
                "Idempotency-Key"?: string;
            };
            path: {
                /** @description Team slug or id; the caller must be a member (or an admin). Another team is 404. */
                team: string;
                workflow: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    state_key?: string;
                    inputs?: {
                        [key: string]: unknown;
                    };
                    max_cost?: number;
                    max_time_minutes?: number;
                    max_steps?: number;
                    max_loop_iterations?: number;
                    /** Format: uri */
                    callback_url?: string;
                    model?: string;
                };
            };
        };
        responses: {
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        run_id: string;
                        tenant_id: string;
                        /** @enum {string} */
                        status: "queued" | "running" | "succeeded" | "failed" | "cancelled" | "timed_out";
                        created_at: string;
                        started_at: string | null;
                        finished_at: string | null;
                        state_key: string | null;
                        limits: {
                            max_cost: number;
                            max_time_minutes: number;
                            max_steps: number;
                            max_loop_iterations: number;
                        };
                        cost_usd: number;
                        steps_completed: number;
                        workflow: string | null;
                        /** @enum {string} */
                        source: "predict" | "workflow" | "hook";
                        error: {
                            code: string;
                            message: string;
                        } | null;
                    };
                };
            };
        };
    };
    "ExecutionsController_list[0]": {
        parameters: {
            query?: {
                status?: "queued" | "running" | "succeeded" | "failed" | "cancelled" | "timed_out";
                workflow?: string;
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            run_id: string;
                            tenant_id: string;
                            /** @enum {string} */
                            status: "queued" | "running" | "succeeded" | "failed" | "cancelled" | "timed_out";
                            created_at: string;
                            started_at: string | null;
                            finished_at: string | null;
                            state_key: string | null;
                            limits: {
                                max_cost: number;
                                max_time_minutes: number;
                                max_steps: number;
                                max_loop_iterations: number;
                            };
                            cost_usd: number;
                            steps_completed: number;
                            workflow: string | null;
                            /** @enum {string} */
                            source: "predict" | "workflow" | "hook";
                            error: {
                                code: string;
                                message: string;
                            } | null;
                        }[];
                        next_cursor: string | null;
                    };
                };
            };
        };
    };
    "ExecutionsController_list[1]": {
        parameters: {
            query?: {
                status?: "queued" | "running" | "succeeded" | "failed" | "cancelled" | "timed_out";
                workflow?: string;
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path: {
                /** @description Team slug or id; the caller must be a member (or an admin). Another team is 404. */
                team: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            run_id: string;
                            tenant_id: string;
                            /** @enum {string} */
                            status: "queued" | "running" | "succeeded" | "failed" | "cancelled" | "timed_out";
                            created_at: string;
                            started_at: string | null;
                            finished_at: string | null;
                            state_key: string | null;
                            limits: {
                                max_cost: number;
                                max_time_minutes: number;
                                max_steps: number;
                                max_loop_iterations: number;
                            };
                            cost_usd: number;
                            steps_completed: number;
                            workflow: string | null;
                            /** @enum {string} */
                            source: "predict" | "workflow" | "hook";
                            error: {
                                code: string;
                                message: string;
                            } | null;
                        }[];
                        next_cursor: string | null;
                    };
                };
            };
        };
    };
    "ExecutionsController_get[0]": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        run_id: string;
                        tenant_id: string;
                        /** @enum {string} */
                        status: "queued" | "running" | "succeeded" | "failed" | "cancelled" | "timed_out";
                        created_at: string;
                        started_at: string | null;
                        finished_at: string | null;
                        state_key: string | null;
                        limits: {
                            max_cost: number;
                            max_time_minutes: number;
                            max_steps: number;
                            max_loop_iterations: number;
                        };
                        cost_usd: number;
                        steps_completed: number;
                        workflow: string | null;
                        /** @enum {string} */
                        source: "predict" | "workflow" | "hook";
                        error: {
                            code: string;
                            message: string;
                        } | null;
                        result: unknown;
                        step_outputs: unknown[];
                    };
                };
            };
        };
    };
    "ExecutionsController_get[1]": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Team slug or id; the caller must be a member (or an admin). Another team is 404. */
                team: string;
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        run_id: string;
                        tenant_id: string;
                        /** @enum {string} */
                        status: "queued" | "running" | "succeeded" | "failed" | "cancelled" | "timed_out";
                        created_at: string;
                        started_at: string | null;
                        finished_at: string | null;
                        state_key: string | null;
                        limits: {
                            max_cost: number;
                            max_time_minutes: number;
                            max_steps: number;
                            max_loop_iterations: number;
                        };
                        cost_usd: number;
                        steps_completed: number;
                        workflow: string | null;
                        /** @enum {string} */
                        source: "predict" | "workflow" | "hook";
                        error: {
                            code: string;
                            message: string;
                        } | null;
                        result: unknown;
                        step_outputs: unknown[];
                    };
                };
            };
        };
    };
    "ExecutionsController_cancel[0]": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        run_id: string;
                        tenant_id: string;
                        /** @enum {string} */
                        status: "queued" | "running" | "succeeded" | "failed" | "cancelled" | "timed_out";
                        created_at: string;
                        started_at: string | null;
                        finished_at: string | null;
                        state_key: string | null;
                        limits: {
                            max_cost: number;
                            max_time_minutes: number;
                            max_steps: number;
                            max_loop_iterations: number;
                        };
                        cost_usd: number;
                        steps_completed: number;
                        workflow: string | null;
                        /** @enum {string} */
                        source: "predict" | "workflow" | "hook";
                        error: {
                            code: string;
                            message: string;
                        } | null;
                    };
                };
            };
        };
    };
    "ExecutionsController_cancel[1]": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Team slug or id; the caller must be a member (or an admin). Another team is 404. */
                team: string;
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        run_id: string;
                        tenant_id: string;
                        /** @enum {string} */
                        status: "queued" | "running" | "succeeded" | "failed" | "cancelled" | "timed_out";
                        created_at: string;
                        started_at: string | null;
                        finished_at: string | null;
                        state_key: string | null;
                        limits: {
                            max_cost: number;
                            max_time_minutes: number;
                            max_steps: number;
                            max_loop_iterations: number;
                        };
                        cost_usd: number;
                        steps_completed: number;
                        workflow: string | null;
                        /** @enum {string} */
                        source: "predict" | "workflow" | "hook";
                        error: {
                            code: string;
                            message: string;
                        } | null;
                    };
                };
            };
        };
    };
    "HooksController_get[0]": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                path: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        path: string;
                        url: string;
                        tenant_id: string;
                        workflow: string;
                        /** @enum {string} */
                        auth: "token" | "none";
                        rate_limit_per_minute: number;
                        created_at: string;
                        updated_at: string;
                    };
                };
            };
        };
    };
    "HooksController_apply[0]": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                path: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    workflow: string;
                    /**
                     * @default token
                     * @enum {string}
                     */
                    auth?: "token" | "none";
                    /**
                     * @description The bucket anonymous calls of an `auth: none` hook draw from (never the team’s); 0 disables it
                     * @default 10
                     */
                    rate_limit_per_minute?: number;
                };
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        path: string;
                        url: string;
                        tenant_id: string;
                        workflow: string;
                        /** @enum {string} */
                        auth: "token" | "none";
                        rate_limit_per_minute: number;
                        created_at: string;
                        updated_at: string;
                    };
                };
            };
        };
    };
    "HooksController_delete[0]": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                path: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    "HooksController_get[1]": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Team slug or id; the caller must be a member (or an admin). Another team is 404. */
                team: string;
                path: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        path: string;
                        url: string;
                        tenant_id: string;
                        workflow: string;
                        /** @enum {string} */
                        auth: "token" | "none";
                        rate_limit_per_minute: number;
                        created_at: string;
                        updated_at: string;
                    };
                };
            };
        };
    };
    "HooksController_apply[1]": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Team slug or id; the caller must be a member (or an admin). Another team is 404. */
                team: string;
                path: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    workflow: string;
                    /**
                     * @default token
                     * @enum {string}
                     */
                    auth?: "token" | "none";
                    /**
                     * @description The bucket anonymous calls of an `auth: none` hook draw from (never the team’s); 0 disables it
                     * @default 10
                     */
                    rate_limit_per_minute?: number;
                };
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        path: string;
                        url: string;
                        tenant_id: string;
                        workflow: string;
                        /** @enum {string} */
                        auth: "token" | "none";
                        rate_limit_per_minute: number;
                        created_at: string;
                        updated_at: string;
                    };
                };
            };
        };
    };
    "HooksController_delete[1]": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Team slug or id; the caller must be a member (or an admin). Another team is 404. */
                team: string;
                path: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    "HooksController_list[0]": {
        parameters: {
            query?: {
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            path: string;
                            url: string;
                            tenant_id: string;
                            workflow: string;
                            /** @enum {string} */
                            auth: "token" | "none";
                            rate_limit_per_minute: number;
                            created_at: string;
                            updated_at: string;
                        }[];
                        /** @description pass back as `cursor` for the next page; null on the last page */
                        next_cursor: string | null;
                    };
                };
            };
        };
    };
    "HooksController_list[1]": {
        parameters: {
            query?: {
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path: {
                /** @description Team slug or id; the caller must be a member (or an admin). Another team is 404. */
                team: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            path: string;
                            url: string;
                            tenant_id: string;
                            workflow: string;
                            /** @enum {string} */
                            auth: "token" | "none";
                            rate_limit_per_minute: number;
                            created_at: string;
                            updated_at: string;
                        }[];
                        /** @description pass back as `cursor` for the next page; null on the last page */
                        next_cursor: string | null;
                    };
                };
            };
        };
    };
    HooksController_trigger: {
        parameters: {
            query?: never;
            header?: {
                /** @description 1 to 255 characters. Scoped to the team (or to the caller outside any team) for 24 hours and bound to the request (method, path and body). The same key and body replay the first successful response with `Idempotent-Replayed: true`; another body is 422 `idempotency_key_reused`; a key still in flight is 409 `idempotency_in_flight`. A request that fails stores nothing, so the key may be retried. */
                "Idempotency-Key"?: string;
            };
            path: {
                path: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    state_key?: string;
                    inputs?: {
                        [key: string]: unknown;
                    };
                    max_cost?: number;
                    max_time_minutes?: number;
                    max_steps?: number;
                    max_loop_iterations?: number;
                    /** Format: uri */
                    callback_url?: string;
                    model?: string;
                };
            };
        };
        responses: {
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        run_id: string;
                        tenant_id: string;
                        /** @enum {string} */
                        status: "queued" | "running" | "succeeded" | "failed" | "cancelled" | "timed_out";
                        created_at: string;
                        started_at: string | null;
                        finished_at: string | null;
                        state_key: string | null;
                        limits: {
                            max_cost: number;
                            max_time_minutes: number;
                            max_steps: number;
                            max_loop_iterations: number;
                        };
                        cost_usd: number;
                        steps_completed: number;
                        workflow: string | null;
                        /** @enum {string} */
                        source: "predict" | "workflow" | "hook";
                        error: {
                            code: string;
                            message: string;
                        } | null;
                    };
                };
            };
        };
    };
    ConsoleAuthController_methods: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        sso: boolean;
                        api_key: boolean;
                    };
                };
            };
        };
    };
    ConsoleAuthController_oidcLogin: {
        parameters: {
            query: {
                return_to: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    ConsoleAuthController_oidcCallback: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    ConsoleAuthController_current: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description send as X-CSRF-Token on every state-changing request made with the session cookie */
                        csrf_token: string;
                        principal: {
                            /** @enum {string} */
                            kind: "user" | "service";
                            email: string;
                            admin: boolean;
                            teams: {
                                team: string;
                                /** @enum {string} */
                                role: "viewer" | "operator" | "auditor" | "team_owner";
                            }[];
                            scopes: ("run" | "status" | "result" | "logs")[];
                            /** @enum {string} */
                            auth_method: "api_key" | "tenant_token" | "single_tenant" | "oidc";
                        };
                    };
                };
            };
        };
    };
    ConsoleAuthController_apiKeySignIn: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    api_key: string;
                };
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description send as X-CSRF-Token on every state-changing request made with the session cookie */
                        csrf_token: string;
                        principal: {
                            /** @enum {string} */
                            kind: "user" | "service";
                            email: string;
                            admin: boolean;
                            teams: {
                                team: string;
                                /** @enum {string} */
                                role: "viewer" | "operator" | "auditor" | "team_owner";
                            }[];
                            scopes: ("run" | "status" | "result" | "logs")[];
                            /** @enum {string} */
                            auth_method: "api_key" | "tenant_token" | "single_tenant" | "oidc";
                        };
                    };
                };
            };
        };
    };
    ConsoleAuthController_logout: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
}
