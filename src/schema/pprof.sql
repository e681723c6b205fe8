-- pprof block and mutex profiles, legacy text (debug=1) and gzip protobuf.
-- A text sample keeps its line; a protobuf sample has line NULL and its
-- index in the profile (idx).  doc/schema-pprof.md documents every column.
CREATE TABLE pprof_samples (
  id           INTEGER PRIMARY KEY,
  artifact_id  INTEGER NOT NULL REFERENCES artifacts(id),
  line         INTEGER,
  idx          INTEGER NOT NULL, -- 0-based sample index in the file
  profile      TEXT NOT NULL,    -- block | mutex
  count        INTEGER,          -- contentions
  delay_ns     INTEGER,          -- total delay
  cycles       INTEGER,          -- text form: delay in CPU cycles as printed
  top_func     TEXT,
  labels       TEXT,
  stack        TEXT,             -- functions leaf first, joined by ' < '
  raw          TEXT              -- text form: the sample line as printed
);
CREATE TABLE pprof_frames (
  id           INTEGER PRIMARY KEY,
  artifact_id  INTEGER NOT NULL REFERENCES artifacts(id),
  line         INTEGER,
  sample_idx   INTEGER NOT NULL, -- joins pprof_samples.idx of the same artifact
  depth        INTEGER NOT NULL, -- 0 = leaf
  func         TEXT,
  file         TEXT,
  src_line     INTEGER,
  addr         TEXT
);
CREATE INDEX pprof_frames_sample ON pprof_frames(artifact_id, sample_idx);
-- Profile-level facts: sample types, period, cycles/second, duration.
CREATE TABLE pprof_meta (
  id           INTEGER PRIMARY KEY,
  artifact_id  INTEGER NOT NULL REFERENCES artifacts(id),
  line         INTEGER,
  key          TEXT NOT NULL,
  value        TEXT
);
