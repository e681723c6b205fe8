-- Indexes, created after loading (cheaper than maintaining them per row;
-- syscalls_errno and syscalls_slow, which hold few rows, are kept up while
-- loading: schema.sql).  Chosen for the built-in rules: the walk (stat and
-- mkdir calls) by path.  Partial, so that they stay small on big traces:
-- every index on syscalls costs load time (`make bench`); a hand query
-- that needs another can create it (doc/schema.md).
CREATE INDEX syscalls_path ON syscalls(path) WHERE path IS NOT NULL;
CREATE INDEX strace_events_kind ON strace_events(kind, pid);
CREATE INDEX strace_frames_call ON strace_frames(artifact_id, call_line);
CREATE INDEX app_errors_path ON app_errors(path);
CREATE INDEX parse_errors_artifact ON parse_errors(artifact_id, line);
CREATE INDEX artifact_meta_key ON artifact_meta(artifact_id, key);
CREATE INDEX finding_evidence_finding ON finding_evidence(finding_id, seq);
CREATE INDEX finding_evidence_syscall ON finding_evidence(syscall_id) WHERE syscall_id IS NOT NULL;

-- Link each error the application reported to the call that produced it:
-- same path and errno, preferring a call of the kind the Go op names, then
-- the last such call.  Calls on an fd match through their -y decoration.
UPDATE app_errors SET syscall_id = coalesce(
  (SELECT s.id FROM syscalls s
    WHERE s.errno = app_errors.errno
      AND (s.path = app_errors.path OR s.dirfd_path = app_errors.path)
      AND ((app_errors.op = 'mkdir' AND s.syscall IN ('mkdir', 'mkdirat'))
        OR (app_errors.op = 'open' AND s.syscall IN ('open', 'openat', 'openat2', 'creat'))
        OR (app_errors.op IN ('stat', 'lstat')
            AND s.syscall IN ('stat', 'lstat', 'newfstatat', 'statx', 'fstatat64'))
        OR (app_errors.op = 'remove' AND s.syscall IN ('unlink', 'unlinkat', 'rmdir'))
        OR (app_errors.op = 'rename' AND s.syscall IN ('rename', 'renameat', 'renameat2'))
        OR s.syscall = app_errors.op)
    ORDER BY coalesce(s.end_ts, s.ts) DESC, s.id DESC LIMIT 1),
  (SELECT s.id FROM syscalls s
    WHERE s.errno = app_errors.errno
      AND (s.path = app_errors.path OR s.dirfd_path = app_errors.path)
    ORDER BY coalesce(s.end_ts, s.ts) DESC, s.id DESC LIMIT 1))
 WHERE errno IS NOT NULL AND path IS NOT NULL;

-- Clocks (see schema.sql).  The strace files keep their own clock; the
-- application's log is put on it through the errors it reported that are
-- linked to their calls; the Go runtime's traces (time since the program
-- started) through the program's start, its execve in a timed trace.
INSERT INTO clocks (artifact_id, clock, offset, basis)
SELECT a.id, m.value,
       CASE WHEN m.value IN ('time-of-day', 'epoch') THEN 0 END,
       CASE m.value
         WHEN 'time-of-day' THEN 'the reference clock: strace time of day (-t/-tt)'
         WHEN 'epoch' THEN 'the reference clock: strace epoch seconds (-ttt)'
         WHEN 'relative' THEN 'cannot: strace -r times are relative to the first line only'
         ELSE 'cannot: the trace has no time stamps' END
  FROM artifacts a JOIN artifact_meta m ON m.artifact_id = a.id AND m.key = 'clock'
 WHERE a.type = 'strace';

INSERT INTO clocks (artifact_id, clock, offset, basis)
SELECT a.id, 'time-of-day',
       coalesce(
         (SELECT avg(coalesce(s.end_ts, s.ts) - e.ts) FROM app_errors e
            JOIN syscalls s ON s.id = e.syscall_id
            JOIN clocks c ON c.artifact_id = s.artifact_id AND c.offset IS NOT NULL
           WHERE e.artifact_id = a.id AND e.ts IS NOT NULL AND s.ts IS NOT NULL),
         -- no linked error to measure it: a local time of day on the host
         -- whose strace also printed local times of day is taken as is
         (SELECT 0 FROM clocks c WHERE c.clock = 'time-of-day' AND c.offset = 0
           LIMIT 1)),
       coalesce(
         (SELECT 'from ' || count(*) || ' reported error(s) linked to their calls, the first '
                 || a.path || ':' || min(e.line) || ' (log time stamps have the log''s precision)'
            FROM app_errors e JOIN syscalls s ON s.id = e.syscall_id
            JOIN clocks c ON c.artifact_id = s.artifact_id AND c.offset IS NOT NULL
           WHERE e.artifact_id = a.id AND e.ts IS NOT NULL AND s.ts IS NOT NULL
          HAVING count(*) > 0),
         (SELECT 'assumed: the log and the strace both print the local time of day '
                 || '(no error in this log is linked to a call to measure it)'
            FROM clocks c WHERE c.clock = 'time-of-day' AND c.offset = 0 LIMIT 1),
         'cannot: no error in this log is linked to a timed call')
  FROM artifacts a
 WHERE a.types LIKE '%app-log%' AND a.type <> 'strace'
   AND EXISTS (SELECT 1 FROM app_errors e WHERE e.artifact_id = a.id AND e.ts IS NOT NULL);

INSERT INTO clocks (artifact_id, clock, offset, basis)
SELECT a.id, 'since-start',
       (SELECT s.ts FROM syscalls s JOIN clocks c ON c.artifact_id = s.artifact_id
         WHERE s.syscall = 'execve' AND s.ret = 0 AND c.offset IS NOT NULL
         ORDER BY s.ts LIMIT 1),
       coalesce(
         (SELECT 'the program''s start: the execve at ' || x.path || ':' || s.line
            FROM syscalls s JOIN artifacts x ON x.id = s.artifact_id
            JOIN clocks c ON c.artifact_id = s.artifact_id
           WHERE s.syscall = 'execve' AND s.ret = 0 AND c.offset IS NOT NULL
           ORDER BY s.ts LIMIT 1),
         'cannot: no timed strace shows the program starting')
  FROM artifacts a
 WHERE (a.types LIKE '%schedtrace%' OR a.types LIKE '%gctrace%')
   AND a.id NOT IN (SELECT artifact_id FROM clocks);

-- Goroutines in a system call ↔ the strace calls of that kind still
-- blocked, or slow, in the bundle (see schema/goroutines.sql).  The call
-- is named by the innermost syscall.* frame above the raw Syscall ones.
INSERT INTO goroutine_calls (goroutine_id, syscall_id, call, basis)
WITH frames AS (
  SELECT g.id AS gid, g.goid, f.func, f.depth,
         row_number() OVER (PARTITION BY g.id ORDER BY f.depth) AS k
    FROM goroutines g
    JOIN goroutine_frames f ON f.artifact_id = g.artifact_id
                           AND f.goroutine_line = g.line
   WHERE g.status LIKE 'syscall%'
     AND f.func LIKE 'syscall.%'
     AND f.func NOT IN ('syscall.Syscall', 'syscall.Syscall6', 'syscall.RawSyscall',
                        'syscall.RawSyscall6', 'syscall.rawSyscallNoError',
                        'syscall.RawSyscallNoError', 'syscall.rawVforkSyscall')
), named AS (
  SELECT gid, goid, func,
         CASE lower(substr(func, 9))
           WHEN 'mkdir' THEN 'mkdirat' WHEN 'open' THEN 'openat'
           WHEN 'fstatat' THEN 'newfstatat' WHEN 'stat' THEN 'newfstatat'
           WHEN 'lstat' THEN 'newfstatat' WHEN 'getdents' THEN 'getdents64'
           WHEN 'rename' THEN 'renameat' WHEN 'unlink' THEN 'unlinkat'
           WHEN 'rmdir' THEN 'unlinkat' WHEN 'pread' THEN 'pread64'
           WHEN 'pwrite' THEN 'pwrite64'
           ELSE lower(substr(func, 9)) END AS call
    FROM frames WHERE k = 1
)
SELECT n.gid, s.id, n.call,
       'goroutine ' || n.goid || ' is in ' || n.func || ' in the dump; the trace has '
       || s.syscall || ' ' || CASE WHEN s.state IN ('blocked', 'interrupted')
                                   THEN 'still waiting when it ended'
                                   ELSE printf('taking %.1f s', s.duration) END
       || ' (the dump does not name the thread: a candidate pair)'
  FROM named n
  JOIN slow_calls s ON s.syscall = n.call
 WHERE s.state IN ('blocked', 'interrupted') OR s.duration >= 1.0;
