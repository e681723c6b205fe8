-- /proc/PID/fdinfo/FD files: one fdinfo row per file, one row per inotify watch.
CREATE TABLE fdinfo (
  id          INTEGER PRIMARY KEY,
  artifact_id INTEGER NOT NULL REFERENCES artifacts(id),
  line        INTEGER NOT NULL,  -- the pos: line
  pid         INTEGER,           -- from the path (…/PID/fdinfo/FD) when it says
  fd          INTEGER,           -- from the path when it says
  pos         INTEGER,
  flags       TEXT,              -- octal as printed
  mnt_id      INTEGER,
  ino         INTEGER,
  kind        TEXT NOT NULL,     -- inotify | eventpoll | other
  watches     INTEGER            -- inotify: number of watch lines
);
CREATE TABLE inotify_watches (
  id          INTEGER PRIMARY KEY,
  artifact_id INTEGER NOT NULL REFERENCES artifacts(id),
  line        INTEGER NOT NULL,
  pid         INTEGER,
  fd          INTEGER,
  wd          INTEGER NOT NULL,
  ino         TEXT,              -- hex as printed
  sdev        TEXT,              -- hex as printed (kernel dev_t)
  mask        TEXT,
  raw         TEXT NOT NULL      -- the watch line as printed (added for evidence)
);
