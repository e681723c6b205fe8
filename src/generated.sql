-- The syscalls columns computed from the references the store keeps
-- (schema.sql), added once loading is done: SQLite 3.40 evaluates every
-- generated column on each INSERT, virtual ones too, which costs more
-- than inserting the rest of the row.  Adding a VIRTUAL column rewrites
-- nothing: it is an edit of the schema.  store.c runs this first after
-- loading, and on the schema-only database that checks SQL before it.

ALTER TABLE syscalls ADD COLUMN ts_text TEXT GENERATED ALWAYS AS (iif(typeof(ts_text_ref) = 'integer', CAST(substr(CAST(
    iif(ts_text_ref & 1, raw_end, raw) AS BLOB), (ts_text_ref >> 21) + 1,
    (ts_text_ref >> 1) & 1048575) AS TEXT), ts_text_ref)) VIRTUAL;
ALTER TABLE syscalls ADD COLUMN args TEXT GENERATED ALWAYS AS (iif(typeof(args_ref) = 'integer', CAST(substr(CAST(
    iif(args_ref & 1, raw_end, raw) AS BLOB), (args_ref >> 21) + 1,
    (args_ref >> 1) & 1048575) AS TEXT), args_ref)) VIRTUAL;
ALTER TABLE syscalls ADD COLUMN dirfd_path TEXT GENERATED ALWAYS AS (iif(typeof(dirfd_path_ref) = 'integer', CAST(substr(CAST(
    iif(dirfd_path_ref & 1, raw_end, raw) AS BLOB), (dirfd_path_ref >> 21) + 1,
    (dirfd_path_ref >> 1) & 1048575) AS TEXT), dirfd_path_ref)) VIRTUAL;
ALTER TABLE syscalls ADD COLUMN ret_text TEXT GENERATED ALWAYS AS (iif(typeof(ret_text_ref) = 'integer', CAST(substr(CAST(
    iif(ret_text_ref & 1, raw_end, raw) AS BLOB), (ret_text_ref >> 21) + 1,
    (ret_text_ref >> 1) & 1048575) AS TEXT), ret_text_ref)) VIRTUAL;
ALTER TABLE syscalls ADD COLUMN errno_text TEXT GENERATED ALWAYS AS (iif(typeof(errno_text_ref) = 'integer', CAST(substr(CAST(
    iif(errno_text_ref & 1, raw_end, raw) AS BLOB), (errno_text_ref >> 21) + 1,
    (errno_text_ref >> 1) & 1048575) AS TEXT), errno_text_ref)) VIRTUAL;
ALTER TABLE syscalls ADD COLUMN fd_path TEXT GENERATED ALWAYS AS (iif(typeof(fd_path_ref) = 'integer', CAST(substr(CAST(
    iif(fd_path_ref & 1, raw_end, raw) AS BLOB), (fd_path_ref >> 21) + 1,
    (fd_path_ref >> 1) & 1048575) AS TEXT), fd_path_ref)) VIRTUAL;
