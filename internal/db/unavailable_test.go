package db

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"

	"github.com/hromada/hromada/internal/errs"
)

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func TestUnavailableKnowsAnOutageFromABadStatement(t *testing.T) {
	wrapped := func(err error) error { return fmt.Errorf("register appeal: %w", err) }
	for _, c := range []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"a bad connection", wrapped(driver.ErrBadConn), true},
		{"a closed connection", sql.ErrConnDone, true},
		{"connection refused", wrapped(&net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}), true},
		{"connection reset", wrapped(syscall.ECONNRESET), true},
		{"a deadline", wrapped(context.DeadlineExceeded), true},
		{"the server shutting down", &pgconn.PgError{Code: "57P01"}, true},
		{"the server starting", &pgconn.PgError{Code: "57P03"}, true},
		{"too many connections", wrapped(&pgconn.PgError{Code: "53300"}), true},
		{"a connection exception", &pgconn.PgError{Code: "08006"}, true},
		{"a deadlock broken by rolling back", &pgconn.PgError{Code: "40P01"}, true},
		{"a serialization failure", &pgconn.PgError{Code: "40001"}, true},
		{"a unique violation", &pgconn.PgError{Code: "23505"}, false},
		{"a syntax error", &pgconn.PgError{Code: "42601"}, false},
		{"the request went away", context.Canceled, false},
		{"not found", gorm.ErrRecordNotFound, false},
		{"a domain error", errs.New(errs.Invalid, "error.form_invalid"), false},
		{"anything else", errors.New("boom"), false},
	} {
		if got := Unavailable(c.err); got != c.want {
			t.Errorf("%s (%v): %v, want %v", c.name, c.err, got, c.want)
		}
	}
}

// The errors the drivers really return.
func TestUnavailableOnRealErrors(t *testing.T) {
	// A pool that is closed.
	gdb, err := Open("sqlite:"+filepath.Join(t.TempDir(), "closed.db"), quiet())
	if err != nil {
		t.Fatal(err)
	}
	if err := Close(gdb); err != nil {
		t.Fatal(err)
	}
	if err := gdb.Exec("SELECT 1").Error; !Unavailable(err) {
		t.Errorf("a closed pool: %v", err)
	}

	// SQLite locked past its busy timeout.
	path := filepath.Join(t.TempDir(), "busy.db")
	dsn := "file:" + path + "?_pragma=busy_timeout(50)&_pragma=journal_mode(WAL)&_txlock=immediate"
	holder, err := sql.Open("sqlite", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	if _, err := holder.Exec("CREATE TABLE t (x INTEGER)"); err != nil {
		t.Fatal(err)
	}
	tx, err := holder.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback() }()
	other, err := sql.Open("sqlite", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := other.Exec("INSERT INTO t VALUES (1)"); !Unavailable(err) {
		t.Errorf("SQLite busy: %v", err)
	}
	if _, err := other.Exec("INSERT INTO no_such_table VALUES (1)"); err == nil || Unavailable(err) {
		t.Errorf("a missing table is no outage: %v", err)
	}

	// PostgreSQL where nothing listens.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	if _, err := Open("postgres://nobody@"+addr+"/none?sslmode=disable&connect_timeout=2", quiet()); !Unavailable(err) {
		t.Errorf("PostgreSQL refusing connections: %v", err)
	}
}
