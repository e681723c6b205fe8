-- fs.inotify limits as saved by sysctl, grep . /proc/sys/fs/inotify/*, or cat.
CREATE TABLE inotify_limits (
  id          INTEGER PRIMARY KEY,
  artifact_id INTEGER NOT NULL REFERENCES artifacts(id),
  line        INTEGER NOT NULL,
  key         TEXT NOT NULL,     -- max_user_watches | max_user_instances | max_queued_events (fs.inotify.*) | max_inotify_watches | max_inotify_instances (user.*, the user namespace's own)
  value       INTEGER NOT NULL,
  form        TEXT,              -- sysctl | grep | bare
  raw         TEXT NOT NULL      -- the line as printed (added for evidence)
);
