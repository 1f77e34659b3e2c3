package sqlstore

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"

	"safetynet/internal/apperr"
)

// SQLite extended result codes we translate (sqlite3.h).
const (
	sqliteConstraintCheck      = 275
	sqliteConstraintForeignKey = 787
	sqliteConstraintNotNull    = 1299
	sqliteConstraintPrimaryKey = 1555
	sqliteConstraintUnique     = 2067
	sqliteBusy                 = 5
	sqliteLocked               = 6
)

// translate turns a driver error into an apperr kind so that no caller ever
// needs to know which engine answered. nil stays nil; an error that already
// is an *apperr.Error passes through.
func translate(err error) error {
	if err == nil {
		return nil
	}
	if _, ok := apperr.As(err); ok {
		return err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return apperr.Wrap(apperr.Unavailable, err, "操作已取消或超时", "operation cancelled or timed out")
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqliteConstraintUnique, sqliteConstraintPrimaryKey:
			return apperr.Wrap(apperr.Conflict, err, "记录已存在", "record already exists")
		case sqliteConstraintForeignKey:
			return apperr.Wrap(apperr.Invalid, err, "引用的记录不存在", "referenced record does not exist")
		case sqliteConstraintNotNull, sqliteConstraintCheck:
			return apperr.Wrap(apperr.Invalid, err, "数据不符合约束", "value violates a constraint")
		}
		if se.Code()&0xff == sqliteBusy || se.Code()&0xff == sqliteLocked {
			return apperr.Wrap(apperr.Unavailable, err, "数据库繁忙，请重试", "database busy, retry")
		}
		return apperr.Wrap(apperr.Internal, err, "", "")
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "23505":
			return apperr.Wrap(apperr.Conflict, err, "记录已存在", "record already exists")
		case "23503":
			return apperr.Wrap(apperr.Invalid, err, "引用的记录不存在", "referenced record does not exist")
		case "23502", "23514", "22001", "22P02", "22003":
			return apperr.Wrap(apperr.Invalid, err, "数据不符合约束", "value violates a constraint")
		case "40001", "40P01":
			return apperr.Wrap(apperr.Unavailable, err, "并发冲突，请重试", "concurrent update, retry")
		}
		return apperr.Wrap(apperr.Internal, err, "", "")
	}
	return apperr.Wrap(apperr.Internal, err, "", "")
}

// isSerializationFailure reports a PostgreSQL 40001/40P01 anywhere in err.
func isSerializationFailure(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01")
}

// stale is the answer to an optimistic-concurrency miss: someone changed
// the record since the caller read it.
func stale() error {
	return apperr.New(apperr.Conflict, "记录已被他人修改，请刷新后重试", "the record was changed by someone else; reload and retry")
}
