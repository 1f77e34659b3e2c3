package sqlstore

import (
	"context"
	"testing"
	"time"
)

func TestProbeScan(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, "sqlite:/tmp/imp.db")
	if err != nil {
		t.Skip()
	}
	start := time.Now()
	rows, err := db.read.QueryContext(ctx, `SELECT pid, ref, kind, amount FROM dataset_records`)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	var pid, amount int64
	var ref, kind []byte
	for rows.Next() {
		rows.Scan(&pid, &ref, &kind, &amount)
		n++
	}
	t.Logf("%d rows in %s", n, time.Since(start))
}
