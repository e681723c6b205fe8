-- GODEBUG=schedtrace=N[,scheddetail=1].  ms is milliseconds since the
-- program started (the runtime's clock, not the wall clock).
CREATE TABLE sched_samples (
  id              INTEGER PRIMARY KEY,
  artifact_id     INTEGER NOT NULL REFERENCES artifacts(id),
  line            INTEGER NOT NULL,
  ms              INTEGER NOT NULL,
  gomaxprocs      INTEGER,
  idleprocs       INTEGER,
  threads         INTEGER,
  spinningthreads INTEGER,
  needspinning    INTEGER,       -- Go 1.21+
  idlethreads     INTEGER,
  runqueue        INTEGER,       -- global run queue
  local_runq      INTEGER,       -- sum of the per-P queues (bracket list or P lines)
  gcwaiting       INTEGER,       -- scheddetail
  nmidlelocked    INTEGER,
  stopwait        INTEGER,
  sysmonwait      INTEGER,
  detailed        INTEGER NOT NULL,
  raw             TEXT NOT NULL  -- the summary line as written
);
CREATE TABLE sched_runq (        -- per-P local run queue lengths of a sample
  id          INTEGER PRIMARY KEY,
  artifact_id INTEGER NOT NULL REFERENCES artifacts(id),
  line        INTEGER NOT NULL,
  ms          INTEGER NOT NULL,
  p           INTEGER NOT NULL,
  len         INTEGER NOT NULL
);
CREATE TABLE sched_p (
  id          INTEGER PRIMARY KEY,
  artifact_id INTEGER NOT NULL REFERENCES artifacts(id),
  line        INTEGER NOT NULL,
  ms          INTEGER,
  p           INTEGER NOT NULL,
  status      INTEGER,
  schedtick   INTEGER,
  syscalltick INTEGER,
  m           INTEGER,           -- NULL for -1/nil
  runqsize    INTEGER,
  gfreecnt    INTEGER,
  timerslen   INTEGER
);
CREATE TABLE sched_m (
  id          INTEGER PRIMARY KEY,
  artifact_id INTEGER NOT NULL REFERENCES artifacts(id),
  line        INTEGER NOT NULL,
  ms          INTEGER,
  m           INTEGER NOT NULL,
  p           INTEGER,
  curg        INTEGER,
  mallocing   INTEGER,
  throwing    INTEGER,
  preemptoff  TEXT,
  locks       INTEGER,
  dying       INTEGER,
  spinning    INTEGER,
  blocked     INTEGER,
  lockedg     INTEGER
);
CREATE TABLE sched_g (
  id          INTEGER PRIMARY KEY,
  artifact_id INTEGER NOT NULL REFERENCES artifacts(id),
  line        INTEGER NOT NULL,
  ms          INTEGER,
  goid        INTEGER NOT NULL,
  status      INTEGER,           -- 0 idle 1 runnable 2 running 3 syscall 4 waiting 6 dead ... (+4096 scan bit)
  waitreason  TEXT,
  m           INTEGER,
  lockedm     INTEGER
);
