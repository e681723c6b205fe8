-- Mount tables: /proc/PID/mountinfo, findmnt and mount output.
CREATE TABLE mounts (
  id          INTEGER PRIMARY KEY,
  artifact_id INTEGER NOT NULL REFERENCES artifacts(id),
  line        INTEGER NOT NULL,
  mount_id    INTEGER,           -- mountinfo only
  parent_id   INTEGER,
  dev         TEXT,              -- major:minor
  root        TEXT,              -- unescaped
  mountpoint  TEXT NOT NULL,     -- unescaped (\040 → space)
  options     TEXT,              -- per-mount options (rw,relatime ...)
  fstype      TEXT,
  source      TEXT,
  super_options TEXT,
  ro          INTEGER NOT NULL,  -- 1 when mounted read-only
  form        TEXT NOT NULL,     -- mountinfo | findmnt | mount
  raw         TEXT NOT NULL      -- the line as printed (added for evidence)
);
