-- The scan store of one machine: one SQLite file per scan (scan.sqlite). The PostgreSQL schema
-- (migrations/postgres/) has the same tables, with the scan's name in every key.
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sites (
    site        INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    url         TEXT NOT NULL,
    sector      TEXT,
    files       TEXT,
    report      TEXT,
    assessed_with_rules TEXT
);
CREATE TABLE IF NOT EXISTS jobs (
    site        INTEGER NOT NULL REFERENCES sites(site),
    mode        TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    frontier    TEXT,
    PRIMARY KEY (site, mode)
);
CREATE TABLE IF NOT EXISTS visits (
    id          INTEGER PRIMARY KEY,
    site        INTEGER NOT NULL REFERENCES sites(site),
    mode        TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    depth       INTEGER NOT NULL,
    url         TEXT NOT NULL,
    final_url   TEXT,
    status      INTEGER,
    error       TEXT,
    started_at  TEXT NOT NULL,
    duration_ms INTEGER NOT NULL,
    requests    INTEGER NOT NULL,
    observation TEXT NOT NULL,
    UNIQUE (site, mode, kind, seq)
);
