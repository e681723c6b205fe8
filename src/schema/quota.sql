-- Disk quota reports: `quota -v` and `repquota`.
CREATE TABLE quotas (
  id          INTEGER PRIMARY KEY,
  artifact_id INTEGER NOT NULL REFERENCES artifacts(id),
  line        INTEGER NOT NULL,
  filesystem  TEXT,
  subject     TEXT,              -- user or group name
  kind        TEXT,              -- user | group | project
  blocks      INTEGER,           -- KiB used
  block_soft  INTEGER,
  block_hard  INTEGER,
  files       INTEGER,
  file_soft   INTEGER,
  file_hard   INTEGER,
  over        INTEGER NOT NULL,  -- 1 when at or over a limit (a * or +/- flag)
  raw         TEXT NOT NULL      -- the line as printed (added for evidence)
);
