-- At most one open run of a region and engine. Two processes that both
-- found none and started one at the same moment would otherwise each
-- evaluate the region; the second's insert now fails, and it is told
-- that the run is in progress elsewhere (verify.Service.Batch).
CREATE UNIQUE INDEX verify_runs_open ON verify_runs (region, engine) WHERE status = 'running';
