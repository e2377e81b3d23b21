package db

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/glebarez/go-sqlite"
	"github.com/jackc/pgx/v5/pgconn"
)

// Unavailable says whether err means that the database cannot be reached or cannot answer now — the
// server is down or restarting, the network or the pool is gone, SQLite stayed locked past its busy
// timeout, or PostgreSQL rolled the transaction back to break a deadlock or a serialization conflict
// between concurrent writers (class 40: nothing of it was kept) — rather than that a statement or its
// data is wrong. The same request will work once the
// database is back, so the web layer answers 503 with Retry-After instead of 500. One list for both
// dialects, so every caller recognises an outage the same way.
func Unavailable(err error) bool {
	if err == nil {
		return false
	}
	var pgErr *pgconn.PgError
	var connectErr *pgconn.ConnectError
	var netErr net.Error
	var sqliteErr *sqlite.Error
	switch {
	case errors.Is(err, driver.ErrBadConn), errors.Is(err, sql.ErrConnDone),
		errors.Is(err, context.DeadlineExceeded), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return true
	case errors.As(err, &connectErr), pgconn.Timeout(err):
		return true
	case errors.As(err, &pgErr):
		return unavailableState(pgErr.Code)
	case errors.As(err, &sqliteErr):
		switch sqliteErr.Code() & 0xff { // the primary result code
		case sqliteBusy, sqliteLocked, sqliteIOErr, sqliteFull, sqliteCantOpen:
			return true
		}
		return false
	case errors.As(err, &netErr):
		return true // dial, read or write on the connection failed
	}
	// database/sql's closed pool has no exported error; pgx reports a connection closed under it in text.
	msg := err.Error()
	return strings.Contains(msg, "sql: database is closed") || strings.Contains(msg, "conn closed")
}

// unavailableState: PostgreSQL's connection exceptions (class 08), a server shutting down or starting
// (57P01–57P03) and insufficient resources (class 53: too many connections, disk full, out of memory).
func unavailableState(code string) bool {
	return strings.HasPrefix(code, "08") || strings.HasPrefix(code, "53") || strings.HasPrefix(code, "40") ||
		code == "57P01" || code == "57P02" || code == "57P03"
}

// SQLite primary result codes (sqlite3.h).
const (
	sqliteBusy     = 5
	sqliteLocked   = 6
	sqliteIOErr    = 10
	sqliteFull     = 13
	sqliteCantOpen = 14
)
