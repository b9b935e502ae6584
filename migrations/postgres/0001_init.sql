-- The scan store and work queue of a scan spread over many machines (`--db postgres://…`).
-- The tables of migrations/sqlite/ (meta, sites, jobs, visits), with the scan's name in every key, so one
-- database holds many scans; plus what only a shared store needs: the evidence files (workers keep none),
-- the queue of site × mode jobs with their leases, and the next time each host may be visited.
-- Applied by pixelaudit on start, in order, recorded in schema_version.

CREATE TABLE scans (
    scan        TEXT PRIMARY KEY,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE meta (
    scan   TEXT NOT NULL REFERENCES scans(scan) ON DELETE CASCADE,
    key    TEXT NOT NULL,
    value  TEXT NOT NULL,
    PRIMARY KEY (scan, key)
);

CREATE TABLE sites (
    scan        TEXT NOT NULL REFERENCES scans(scan) ON DELETE CASCADE,
    site        INTEGER NOT NULL,
    name        TEXT NOT NULL,
    url         TEXT NOT NULL,
    sector      TEXT,
    files       TEXT,
    report      TEXT,
    assessed_with_rules TEXT,
    PRIMARY KEY (scan, site)
);

CREATE TABLE jobs (
    scan        TEXT NOT NULL,
    site        INTEGER NOT NULL,
    mode        TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    frontier    TEXT,
    PRIMARY KEY (scan, site, mode),
    FOREIGN KEY (scan, site) REFERENCES sites(scan, site) ON DELETE CASCADE
);

-- One row per visit. Redelivered work replaces, never duplicates: a visit is unique by its place in the
-- crawl (seq) and by its normalised URL within one scan, site, mode and kind.
CREATE TABLE visits (
    id          BIGSERIAL PRIMARY KEY,
    scan        TEXT NOT NULL,
    site        INTEGER NOT NULL,
    mode        TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    depth       INTEGER NOT NULL,
    url         TEXT NOT NULL,
    normalised_url TEXT NOT NULL,
    final_url   TEXT,
    status      INTEGER,
    error       TEXT,
    started_at  TEXT NOT NULL,
    duration_ms BIGINT NOT NULL,
    requests    INTEGER NOT NULL,
    observation TEXT NOT NULL,
    stored_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    stored_by   TEXT,
    UNIQUE (scan, site, mode, kind, seq),
    UNIQUE (scan, site, mode, kind, normalised_url),
    FOREIGN KEY (scan, site) REFERENCES sites(scan, site) ON DELETE CASCADE
);
CREATE INDEX visits_stored_at ON visits (scan, stored_at);

-- Screenshots of the visits, stored with the visit that made them (workers are disposable).
CREATE TABLE evidence (
    scan    TEXT NOT NULL REFERENCES scans(scan) ON DELETE CASCADE,
    name    TEXT NOT NULL,
    sha256  TEXT NOT NULL,
    bytes   BYTEA NOT NULL,
    PRIMARY KEY (scan, name)
);

-- One job per site and consent mode. A worker leases it (state 'leased', lease_until in the future) and
-- renews the lease while it crawls; a lease that runs out is taken over by another worker, which
-- replays the stored visits and goes on where the first one stopped.
CREATE TABLE queue (
    scan         TEXT NOT NULL,
    site         INTEGER NOT NULL,
    mode         TEXT NOT NULL,
    state        TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'leased', 'done', 'failed')),
    worker       TEXT,
    lease_token  TEXT,
    leased_at    TIMESTAMPTZ,
    lease_until  TIMESTAMPTZ,
    attempts     INTEGER NOT NULL DEFAULT 0,
    error        TEXT,
    finished_at  TIMESTAMPTZ,
    PRIMARY KEY (scan, site, mode),
    FOREIGN KEY (scan, site) REFERENCES sites(scan, site) ON DELETE CASCADE
);
CREATE INDEX queue_waiting ON queue (state, lease_until);

-- Politeness across machines: the earliest time the next page of each host may be visited, booked by
-- whichever worker visits it next.
CREATE TABLE host_slots (
    host     TEXT PRIMARY KEY,
    next_at  TIMESTAMPTZ NOT NULL
);
