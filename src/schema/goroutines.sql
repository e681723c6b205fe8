-- Goroutine dumps: crash/panic/SIGQUIT tracebacks and pprof
-- goroutine?debug=2 (one row per goroutine), and ?debug=1 (one row per
-- group of identical stacks, with its count).
CREATE TABLE goroutines (
  id           INTEGER PRIMARY KEY,
  artifact_id  INTEGER NOT NULL REFERENCES artifacts(id),
  line         INTEGER NOT NULL, -- the header line
  dump         INTEGER NOT NULL, -- which dump in the file (1-based)
  form         TEXT NOT NULL,    -- traceback | debug1
  goid         INTEGER,          -- NULL for debug=1 groups
  status       TEXT,             -- running, syscall, IO wait, semacquire, chan receive ...
  wait_minutes INTEGER,
  locked       INTEGER NOT NULL DEFAULT 0,  -- locked to thread
  count        INTEGER NOT NULL DEFAULT 1,  -- debug=1: goroutines with this stack
  created_by   TEXT,
  created_goid INTEGER,
  created_file TEXT,
  created_line INTEGER,
  frames       INTEGER NOT NULL, -- frames listed
  top_func     TEXT,             -- innermost frame's function
  labels       TEXT,             -- debug=1 "# labels:" JSON as printed
  note         TEXT,             -- stack unavailable, frames elided, runtime stack ...
  addrs        TEXT              -- debug=1: the "@" return-address list as printed
);
CREATE TABLE goroutine_frames (
  id           INTEGER PRIMARY KEY,
  artifact_id  INTEGER NOT NULL REFERENCES artifacts(id),
  line         INTEGER NOT NULL, -- the function line (debug=1: the # line)
  goroutine_line INTEGER NOT NULL, -- header line of its goroutine (joins to goroutines.line)
  depth        INTEGER NOT NULL, -- 0 = innermost
  func         TEXT,
  args         TEXT,
  file         TEXT,
  src_line     INTEGER,
  pc           TEXT,             -- offset in the function, hex ("0x88"), as after "+"
  inlined      INTEGER NOT NULL DEFAULT 0,
  addr         TEXT              -- absolute pc: debug=1 "#" address, or traceback "pc="
);
-- Panic and fatal-error preambles of a dump.
CREATE TABLE go_crashes (
  id           INTEGER PRIMARY KEY,
  artifact_id  INTEGER NOT NULL REFERENCES artifacts(id),
  line         INTEGER NOT NULL,
  kind         TEXT NOT NULL,    -- panic | fatal | sigquit | signal
  message      TEXT,
  signal       TEXT,
  raw          TEXT NOT NULL
);

-- Goroutines blocked in a system call, linked to the calls of the same
-- kind a strace in the bundle shows blocked (or taking a second or more):
-- the same wait seen from both sides.  A goroutine dump does not name the
-- thread, so every such pair is a candidate; filled after loading.
CREATE TABLE goroutine_calls (
  goroutine_id INTEGER NOT NULL REFERENCES goroutines(id),
  syscall_id   INTEGER NOT NULL REFERENCES syscalls(id),
  call         TEXT NOT NULL,     -- the system call both show: flock, mkdirat ...
  basis        TEXT NOT NULL
);
