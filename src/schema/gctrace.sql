-- GODEBUG=gctrace=1 (and scavtrace=1) lines.  at_s is seconds since the
-- program started.
CREATE TABLE gc_cycles (
  id           INTEGER PRIMARY KEY,
  artifact_id  INTEGER NOT NULL REFERENCES artifacts(id),
  line         INTEGER NOT NULL,
  gc           INTEGER NOT NULL,
  at_s         REAL NOT NULL,
  cpu_pct      INTEGER,          -- cumulative share of CPU spent in GC since start
  stw1_ms      REAL, mark_ms REAL, stw2_ms REAL,
  cpu_stw1_ms  REAL, cpu_assist_ms REAL, cpu_bg_ms REAL, cpu_idle_ms REAL, cpu_stw2_ms REAL,
  heap0_mb     INTEGER, heap1_mb INTEGER, heap2_mb INTEGER,
  goal_mb      INTEGER,
  stacks_mb    INTEGER,          -- Go 1.18+
  globals_mb   INTEGER,          -- Go 1.18+
  procs        INTEGER,
  forced       INTEGER NOT NULL,
  raw          TEXT NOT NULL     -- the gc line as written
);
CREATE TABLE gc_scav (
  id          INTEGER PRIMARY KEY,
  artifact_id INTEGER NOT NULL REFERENCES artifacts(id),
  line        INTEGER NOT NULL,
  work_kib    INTEGER,           -- 1.19: work; newer: bg + eager
  eager_kib   INTEGER,
  total_kib   INTEGER,           -- 1.19: total; newer: now
  util_pct    INTEGER,
  forced      INTEGER NOT NULL,
  form        TEXT NOT NULL,     -- 'work-total' (1.19), 'bg-eager' (newer), 'scvg' (<= 1.12)
  raw         TEXT NOT NULL
);
