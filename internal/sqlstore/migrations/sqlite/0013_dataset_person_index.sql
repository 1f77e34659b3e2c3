-- On PostgreSQL (0013 there) each snapshot's partition is indexed on (pid,
-- line) instead of carrying the snapshot in its key; SQLite's table has no
-- partitions and stays clustered on (snapshot_id, pid, line).
-- On both, county goes: it was written with every record and never read
-- (it is the first six digits of the person's ID, which pid holds).
ALTER TABLE dataset_records DROP COLUMN county;
