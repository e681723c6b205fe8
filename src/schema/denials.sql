-- Security-module denials from dmesg/kern.log, audit.log and ausearch.
CREATE TABLE denials (
  id          INTEGER PRIMARY KEY,
  artifact_id INTEGER NOT NULL REFERENCES artifacts(id),
  line        INTEGER NOT NULL,
  ts_text     TEXT,
  lsm         TEXT NOT NULL,     -- selinux | apparmor | other
  operation   TEXT,              -- mkdir, open ... (AppArmor operation=, SELinux { perms })
  path        TEXT,              -- name= / path= (relative name for AVC without path)
  profile     TEXT,              -- AppArmor profile / SELinux scontext
  target      TEXT,              -- SELinux tcontext
  tclass      TEXT,
  pid         INTEGER,
  comm        TEXT,
  raw         TEXT NOT NULL
);
-- Other kernel lines worth keeping (I/O errors, remount read-only ...).
CREATE TABLE kernel_events (
  id          INTEGER PRIMARY KEY,
  artifact_id INTEGER NOT NULL REFERENCES artifacts(id),
  line        INTEGER NOT NULL,
  ts_text     TEXT,
  kind        TEXT NOT NULL,     -- remount-ro | io-error | fs-error | oom | other
  device      TEXT,
  message     TEXT NOT NULL
);
