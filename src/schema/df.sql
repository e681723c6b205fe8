-- df output (-h, -i, -P, -T, -k); sizes in bytes, whatever the units printed.
CREATE TABLE df (
  id          INTEGER PRIMARY KEY,
  artifact_id INTEGER NOT NULL REFERENCES artifacts(id),
  line        INTEGER NOT NULL,
  filesystem  TEXT NOT NULL,
  fstype      TEXT,              -- with -T
  kind        TEXT NOT NULL,     -- space | inodes
  total       INTEGER,           -- bytes (space) or inodes; NULL for '-'
  used        INTEGER,
  avail       INTEGER,
  use_pct     INTEGER,           -- Use% / IUse% without the sign; NULL for '-'
  mountpoint  TEXT NOT NULL,
  raw         TEXT NOT NULL      -- the line as printed (added for evidence)
);
