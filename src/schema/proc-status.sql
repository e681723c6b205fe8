-- /proc/PID/status: one row per key.
CREATE TABLE proc_status (
  id          INTEGER PRIMARY KEY,
  artifact_id INTEGER NOT NULL REFERENCES artifacts(id),
  line        INTEGER NOT NULL,
  pid         INTEGER,           -- the Pid: field of the file
  key         TEXT NOT NULL,
  value       TEXT,
  num         INTEGER            -- the leading number (kB values in kB)
);
