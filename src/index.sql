-- Indexes, created after loading (cheaper than maintaining them per row).
-- Chosen for the built-in rules: failed calls by errno, the walk (stat and
-- mkdir calls) by path.  Partial, so that they stay small on big traces:
-- every index on syscalls costs load time (`make bench`); a hand query
-- that needs another can create it (doc/schema.md).
CREATE INDEX syscalls_errno ON syscalls(errno, syscall) WHERE errno IS NOT NULL;
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
