-- A run's lease: the process evaluating a run renews heartbeat_at every
-- 30 s, and another process (the server, or a second command line) takes
-- the run over only once it is older than the lease (two minutes), so
-- that an open run someone is working on is told from an interrupted one
-- and is not evaluated by two processes at once. NULL: nobody holds it.
ALTER TABLE verify_runs ADD COLUMN heartbeat_at TIMESTAMP;
