-- lsof listings (default columns, -K task rows, -F field output).
CREATE TABLE lsof_files (
  id          INTEGER PRIMARY KEY,
  artifact_id INTEGER NOT NULL REFERENCES artifacts(id),
  line        INTEGER NOT NULL,  -- the row (or, for -F, the f line of the file set)
  pid         INTEGER,
  tid         INTEGER,           -- task rows (-K / system-wide)
  command     TEXT,
  user        TEXT,              -- login name or uid as printed
  fd          TEXT,              -- as printed: 3u, cwd, txt, mem, DEL ...
  fd_num      INTEGER,           -- the number when fd is a descriptor
  access      TEXT,              -- r, w, u or NULL
  lock        TEXT,
  type        TEXT,              -- REG DIR CHR FIFO IPv4 unix a_inode ...
  device      TEXT,
  size_off    TEXT,              -- as printed (size, or 0t<offset>)
  node        TEXT,
  name        TEXT,
  kind        TEXT NOT NULL,     -- inotify | eventpoll | eventfd | timerfd | signalfd | pipe | socket | file | dir | device | memory | other
  raw         TEXT NOT NULL      -- the row as printed; for -F the file set's fields, space-separated (added for evidence)
);
