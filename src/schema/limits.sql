-- Resource limits: /proc/PID/limits and `ulimit -a` output.
CREATE TABLE limits (
  id          INTEGER PRIMARY KEY,
  artifact_id INTEGER NOT NULL REFERENCES artifacts(id),
  line        INTEGER NOT NULL,
  pid         INTEGER,           -- from the path when it says
  name        TEXT NOT NULL,     -- normalised: nofile, nproc, fsize, core, stack, as, memlock ...
  label       TEXT,              -- as printed: "Max open files", "open files (-n)"
  soft        INTEGER,           -- NULL = unlimited
  hard        INTEGER,           -- NULL = unlimited or not shown (ulimit)
  unit        TEXT,
  form        TEXT NOT NULL,     -- proc | ulimit
  raw         TEXT NOT NULL      -- the line as printed (added for evidence)
);
