-- The mkpostmortem store, schema version 2 (PRAGMA user_version).
-- Documented for users in doc/schema.md; this file is compiled into the
-- binary.  Record tables mirror src/tables.c column for column, after
-- their own id and artifact_id.  Indexes are created after loading
-- (index.sql), views here.

CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT
);

CREATE TABLE artifacts (
  id         INTEGER PRIMARY KEY,
  path       TEXT NOT NULL,      -- relative to the bundle
  type       TEXT NOT NULL,      -- main type, 'unknown' when none matched
  types      TEXT NOT NULL,      -- every stream found, comma-separated
  status     TEXT NOT NULL,      -- ok | unknown | unreadable | partial | skipped
  note       TEXT,               -- why it is not ok
  size       INTEGER,            -- bytes on disk
  bytes      INTEGER,            -- bytes read after decompression
  compressed INTEGER NOT NULL DEFAULT 0,
  lines      INTEGER,
  records    INTEGER NOT NULL DEFAULT 0,
  errors     INTEGER NOT NULL DEFAULT 0,
  pid_hint   INTEGER             -- pid taken from a strace -ff file name
);

-- Facts a parser learned about a whole artifact (clock kind, flags seen).
CREATE TABLE artifact_meta (
  artifact_id INTEGER NOT NULL REFERENCES artifacts(id),
  key         TEXT NOT NULL,
  value       TEXT
);

-- Lines not understood, capped or skipped: nothing is dropped silently.
CREATE TABLE parse_errors (
  id          INTEGER PRIMARY KEY,
  artifact_id INTEGER NOT NULL REFERENCES artifacts(id),
  line        INTEGER,           -- 0: the artifact as a whole
  reason      TEXT NOT NULL,
  text        TEXT
);

-- One row per system call; an <unfinished ...>/<... resumed> pair is one
-- row with both lines.  Times are seconds: since midnight for -t/-tt (plus
-- 86400 per midnight crossed), since the epoch for -ttt, since the first
-- line for -r; artifact_meta 'clock' says which.
--
--
-- A text column that is a piece of the raw line (args, ts_text, ret_text,
-- errno_text, dirfd_path, fd_path) is not stored twice: COL_ref holds its
-- offset, length and line (raw or raw_end), packed in an INTEGER, and COL
-- is a virtual generated column that gives the text back.  When the text
-- is not such a piece (split calls' joined args, unescaped paths) COL_ref
-- holds the TEXT itself: it has no declared type, so SQLite keeps each
-- value's own, and one column costs an INSERT half what two would.  That
-- halves the store of a big trace; query COL as usual.
-- The generated columns are added after loading (generated.sql): SQLite
-- computes a table's generated columns on every INSERT, virtual ones too,
-- and six of them cost more than the rest of the row (`make bench`).
CREATE TABLE syscalls (
  id          INTEGER PRIMARY KEY,
  artifact_id INTEGER NOT NULL REFERENCES artifacts(id),
  line        INTEGER NOT NULL,  -- the call line (the unfinished one, if split)
  end_line    INTEGER,           -- the resumed line, if split
  pid         INTEGER,           -- tid as strace prints it
  ts          REAL,
  end_ts      REAL,              -- time of the resumed line
  ts_text_ref,
  syscall     TEXT NOT NULL,
  -- raw argument text (both halves joined)
  args_ref,
  path        TEXT,              -- first path argument, unescaped
  path2       TEXT,              -- second path argument (rename, link ...)
  dirfd       TEXT,              -- AT_FDCWD or the fd argument (*at calls; fd calls under -y)
  -- its -y decoration
  dirfd_path_ref,
  flags       TEXT,              -- open flags, AT_* flags
  mode        INTEGER,           -- mode argument of mkdir/open/chmod
  -- return value as printed
  ret_text_ref,
  ret         INTEGER,           -- return value as a number (NULL for ?)
  errno       TEXT,              -- ENOENT ...
  -- No such file or directory
  errno_text_ref,
  duration    REAL,              -- -T seconds
  fd          INTEGER,           -- descriptor returned
  -- its -y decoration
  fd_path_ref,
  note        TEXT,              -- INJECTED, DELAYED, ERESTARTSYS text ...
  state       TEXT NOT NULL,     -- complete | blocked | interrupted | unavailable | detached
  raw         TEXT NOT NULL,     -- the call line
  raw_end     TEXT               -- the resumed line
);

-- Signals, exits and strace's own attach/detach lines.
CREATE TABLE strace_events (
  id          INTEGER PRIMARY KEY,
  artifact_id INTEGER NOT NULL REFERENCES artifacts(id),
  line        INTEGER NOT NULL,
  pid         INTEGER,
  ts          REAL,
  ts_text     TEXT,
  kind        TEXT NOT NULL,     -- signal | exited | killed | superseded | stopped | attached | detached
  signal      TEXT,
  code        INTEGER,           -- exit status; threads count for attached
  detail      TEXT,              -- siginfo, or the rest of the line
  raw         TEXT NOT NULL
);

-- strace -k stack frames, innermost first, after the call they belong to.
CREATE TABLE strace_frames (
  id          INTEGER PRIMARY KEY,
  artifact_id INTEGER NOT NULL REFERENCES artifacts(id),
  line        INTEGER NOT NULL,
  call_line   INTEGER,           -- line of the call (syscalls.line or end_line)
  pid         INTEGER,
  depth       INTEGER NOT NULL,  -- 0 = innermost
  binary      TEXT,
  symbol      TEXT,
  offset      TEXT,
  addr        TEXT,
  src         TEXT               -- file:line with -kk
);

-- strace -c/-C summary tables.
CREATE TABLE strace_summary (
  id          INTEGER PRIMARY KEY,
  artifact_id INTEGER NOT NULL REFERENCES artifacts(id),
  line        INTEGER NOT NULL,
  syscall     TEXT NOT NULL,     -- 'total' for the total row
  calls       INTEGER,
  errors      INTEGER,
  seconds     REAL,
  usecs_call  INTEGER,
  pct         REAL,
  min_seconds REAL,
  max_seconds REAL,
  clock       TEXT               -- 'system' (default) or 'wall' (-w)
);

-- Per trace and syscall, the calls as strace -c would count them: each
-- call that returned (an error too, ERESTARTSYS included), not one the
-- process left by exiting (`= ?` alone) nor one still blocked at the end.
-- Counted while loading, so that a trace's own -C summary can be checked
-- against it without a pass over the trace.  line: the first such call.
CREATE TABLE strace_counts (
  id          INTEGER PRIMARY KEY,
  artifact_id INTEGER NOT NULL REFERENCES artifacts(id),
  line        INTEGER NOT NULL,
  syscall     TEXT NOT NULL,
  calls       INTEGER NOT NULL,
  errors      INTEGER NOT NULL
);

-- Errors the application itself reported (Go *PathError and friends).
CREATE TABLE app_errors (
  id          INTEGER PRIMARY KEY,
  artifact_id INTEGER NOT NULL REFERENCES artifacts(id),
  line        INTEGER NOT NULL,
  ts          REAL,              -- seconds since midnight, from the log prefix
  ts_text     TEXT,
  kind        TEXT NOT NULL,     -- PathError | LinkError | SyscallError
  op          TEXT,              -- mkdir, open, stat ...
  path        TEXT,
  path2       TEXT,
  errno       TEXT,              -- the errno name for the error text
  err_text    TEXT,              -- permission denied ...
  message     TEXT,              -- the whole message after the log prefix
  raw         TEXT NOT NULL,
  syscall_id  INTEGER            -- the call that produced it (filled after loading)
);

-- Each timed artifact's clock, and the offset that puts its times on the
-- bundle's reference clock (the strace clock: time of day for -t/-tt,
-- epoch for -ttt), where the bundle lets it be derived (clocks are filled
-- after loading; basis says how, or why it cannot).  A time on the
-- reference clock = offset + the artifact's own time (app_errors.ts;
-- sched_samples.ms / 1000.0; gc_cycles.at_s).
CREATE TABLE clocks (
  artifact_id INTEGER PRIMARY KEY REFERENCES artifacts(id),
  clock       TEXT NOT NULL,     -- time-of-day | epoch | relative | since-start | none
  offset      REAL,              -- NULL: cannot be derived from this bundle
  basis       TEXT NOT NULL
);

-- The report, as the last run ranked it.
CREATE TABLE findings (
  id          INTEGER PRIMARY KEY,
  rank        INTEGER NOT NULL,
  rule_id     TEXT NOT NULL,
  title       TEXT NOT NULL,
  score       REAL NOT NULL,
  confidence  TEXT NOT NULL,
  base        REAL,              -- the rule's weight
  reported    REAL,              -- bonus: the evidence is the failure the program reported
  corroboration REAL,            -- bonus: independent artifacts agree
  penalty     REAL,              -- taken off by input checks (checks table)
  explanation TEXT,              -- how the score was built, in words
  fix         TEXT,
  query       TEXT,              -- SQL that returns the evidence rows
  rule_file   TEXT
);

CREATE TABLE finding_evidence (
  id          INTEGER PRIMARY KEY,
  finding_id  INTEGER NOT NULL REFERENCES findings(id),
  seq         INTEGER NOT NULL,
  artifact_id INTEGER REFERENCES artifacts(id),
  line        INTEGER,
  text        TEXT,
  syscall_id  INTEGER,
  app_error_id INTEGER
);

-- Input checks that found a problem with the bundle itself (strace without
-- -f, no time stamps ...): each lowers the score of the findings it
-- affects by its penalty.
CREATE TABLE checks (
  id          INTEGER PRIMARY KEY,
  rule_id     TEXT NOT NULL,
  title       TEXT NOT NULL,
  penalty     REAL NOT NULL,
  affects     TEXT,              -- comma-separated ids; NULL: every finding
  advice      TEXT,
  rule_file   TEXT
);

-- Causes that were considered and ruled out, with the reasons (rows of
-- their ruled_out query) in notes_evidence.
CREATE TABLE ruled_out (
  id          INTEGER PRIMARY KEY,
  rule_id     TEXT NOT NULL,
  title       TEXT NOT NULL,
  rule_file   TEXT
);

-- Evidence of checks and ruled-out causes.
CREATE TABLE notes_evidence (
  id          INTEGER PRIMARY KEY,
  owner       TEXT NOT NULL,     -- check | ruled_out
  owner_id    INTEGER NOT NULL,  -- checks.id or ruled_out.id
  seq         INTEGER NOT NULL,
  artifact_id INTEGER REFERENCES artifacts(id),
  line        INTEGER,
  text        TEXT
);

-- Evidence rows a site's suppress entry dropped (known-good matches).
CREATE TABLE suppressed (
  id          INTEGER PRIMARY KEY,
  rule_id     TEXT NOT NULL,
  artifact_id INTEGER REFERENCES artifacts(id),
  line        INTEGER,
  text        TEXT,
  reason      TEXT NOT NULL,
  suppress_at TEXT NOT NULL,     -- file:line:column of the suppress entry
  syscall_id  INTEGER,           -- the row's call or application error, so
  app_error_id INTEGER           -- that the fallback does not report it again
);

-- Failed calls, with the line that shows the errno (the resumed one for
-- a split call) and the artifact path.
CREATE VIEW failed_calls AS
  SELECT s.id AS syscall_id, s.artifact_id, a.path AS artifact,
         coalesce(s.end_line, s.line) AS line,
         coalesce(s.raw_end, s.raw) AS text,
         s.pid, s.ts, s.syscall, s.path, s.path2, s.dirfd, s.dirfd_path,
         s.flags, s.mode, s.ret, s.errno, s.errno_text, s.duration, s.note
    FROM syscalls s JOIN artifacts a ON a.id = s.artifact_id
   WHERE s.errno IS NOT NULL;

-- Calls that create directories, whatever the syscall name.
CREATE VIEW mkdir_calls AS
  SELECT s.*, a.path AS artifact, coalesce(s.end_line, s.line) AS err_line,
         coalesce(s.raw_end, s.raw) AS err_text
    FROM syscalls s JOIN artifacts a ON a.id = s.artifact_id
   WHERE s.syscall IN ('mkdir', 'mkdirat');

-- stat-family calls (the walk before and after a create).
CREATE VIEW stat_calls AS
  SELECT s.*, a.path AS artifact, coalesce(s.end_line, s.line) AS err_line,
         coalesce(s.raw_end, s.raw) AS err_text
    FROM syscalls s JOIN artifacts a ON a.id = s.artifact_id
   WHERE s.syscall IN ('stat', 'lstat', 'newfstatat', 'fstatat64', 'statx',
                       'stat64', 'lstat64', 'access', 'faccessat', 'faccessat2');

-- Failed calls, kept up while loading like syscalls_slow below: a trace
-- has few, and CREATE INDEX after loading would read the whole table for
-- them (-3 % instructions in a run, `make bench`).
CREATE INDEX syscalls_errno ON syscalls(errno, syscall) WHERE errno IS NOT NULL;

-- Calls that did not complete (blocked, interrupted, ...) or took 0.2 s
-- or more: the few rows the rules about slow and hung calls start from.
-- The partial index syscalls_slow holds exactly these rows and is kept up
-- while loading (a false WHERE costs an insert almost nothing), so a
-- query that keeps this view's WHERE reads them without a scan.
CREATE INDEX syscalls_slow ON syscalls(duration)
  WHERE state <> 'complete' OR duration >= 0.2;
CREATE VIEW slow_calls AS
  SELECT s.*, a.path AS artifact, coalesce(s.end_line, s.line) AS err_line,
         coalesce(s.raw_end, s.raw) AS err_text
    FROM syscalls s JOIN artifacts a ON a.id = s.artifact_id
   WHERE s.state <> 'complete' OR s.duration >= 0.2;

-- Calls still blocked when the trace ended, with how long they had waited.
CREATE VIEW blocked_calls AS
  SELECT s.*, a.path AS artifact,
         (SELECT CAST(m.value AS REAL) FROM artifact_meta m
           WHERE m.artifact_id = s.artifact_id AND m.key = 'last_ts') - s.ts AS waited
    FROM syscalls s JOIN artifacts a ON a.id = s.artifact_id
   WHERE s.state = 'blocked';

-- Evidence as the report quotes it.
CREATE VIEW evidence AS
  SELECT f.rank, f.rule_id, e.seq, a.path AS artifact, e.line, e.text
    FROM finding_evidence e
    JOIN findings f ON f.id = e.finding_id
    LEFT JOIN artifacts a ON a.id = e.artifact_id;
