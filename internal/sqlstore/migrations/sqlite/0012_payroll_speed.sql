-- Nothing to change on SQLite: on PostgreSQL (0012 there) payroll_lines
-- is partitioned by month, so that a month's lines are copied into a bare
-- table and indexed once. SQLite has one writer and no partitions; the
-- number is kept for parity.
SELECT 1;
