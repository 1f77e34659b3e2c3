-- Nothing to change on SQLite: on PostgreSQL (0013 there) each snapshot's
-- partition is indexed on (pid, line) instead of carrying the snapshot in
-- its key. SQLite's table has no partitions and stays clustered on
-- (snapshot_id, pid, line); the number is kept for parity.
SELECT 1;
