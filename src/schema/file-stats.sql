-- Modes and owners of files: `stat` output, `ls -l`/`ls -ld`, and
-- `ls -l /proc/PID/fd` listings (whose link targets name what each fd is).
CREATE TABLE file_stats (
  id          INTEGER PRIMARY KEY,
  artifact_id INTEGER NOT NULL REFERENCES artifacts(id),
  line        INTEGER NOT NULL,
  path        TEXT NOT NULL,     -- as printed (for ls -l DIR: DIR/name when the header says)
  type        TEXT,              -- file | dir | symlink | fifo | socket | char | block
  mode        INTEGER,           -- permission bits (e.g. 493 for 0755), special bits included
  mode_text   TEXT,              -- drwxr-xr-x as printed
  links       INTEGER,
  owner       TEXT,
  grp         TEXT,
  uid         INTEGER,           -- stat output only
  gid         INTEGER,
  size        INTEGER,
  target      TEXT,              -- symlink target (ls -l a -> b)
  form        TEXT NOT NULL,     -- stat | ls
  raw         TEXT NOT NULL      -- the line as printed (stat: its Access: (mode) line)
);
