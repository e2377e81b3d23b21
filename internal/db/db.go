// Package db opens GORM on PostgreSQL (production) or the embedded pure-Go SQLite (the zero-setup
// default) and applies the embedded SQL migrations. No AutoMigrate: the schema is the SQL in migrations/.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
	"gorm.io/plugin/dbresolver"
)

// Dialect names, as GORM reports them.
const (
	Postgres = "postgres"
	SQLite   = "sqlite"
)

// Option changes how Open opens a database.
type Option func(*options)

type options struct {
	slowQuery   time.Duration
	busyTimeout time.Duration
}

// SlowQuery sets how long a statement may take before it is logged (default 500 ms).
func SlowQuery(d time.Duration) Option {
	return func(o *options) {
		if d > 0 {
			o.slowQuery = d
		}
	}
}

// BusyTimeout sets how long an SQLite statement waits for a lock another connection holds before it
// fails with SQLITE_BUSY (default 10 s). This process's own writers queue for its one writing
// connection instead, so it is the wait for another process on the same file (a command run beside
// the server). Tests shorten it to show that no writer of this process ever waits there.
func BusyTimeout(d time.Duration) Option {
	return func(o *options) {
		if d > 0 {
			o.busyTimeout = d
		}
	}
}

// Open connects to the database named by url: "postgres://..." or "sqlite:PATH".
func Open(url string, log *slog.Logger, opts ...Option) (*gorm.DB, error) {
	o := options{slowQuery: DefaultSlowQuery, busyTimeout: 10 * time.Second}
	for _, opt := range opts {
		opt(&o)
	}
	gcfg := &gorm.Config{
		Logger:                 sqlLog{log: log, level: logger.Warn, slow: o.slowQuery},
		NowFunc:                func() time.Time { return time.Now().UTC() },
		TranslateError:         true,
		SkipDefaultTransaction: true,
	}
	switch {
	case strings.HasPrefix(url, "postgres://"), strings.HasPrefix(url, "postgresql://"):
		db, err := gorm.Open(postgres.Open(url), gcfg)
		if err != nil {
			return nil, fmt.Errorf("open PostgreSQL: %w", err)
		}
		sqlDB, err := db.DB()
		if err != nil {
			return nil, err
		}
		// Enough for requests, jobs and the queue's listener; more only adds backends that compete for
		// the database's cores (bench/sign on 2 cores: 20 connections signed 10-20 % faster than 40).
		// Several instances share the server's max_connections.
		sqlDB.SetMaxOpenConns(20)
		sqlDB.SetMaxIdleConns(20)
		sqlDB.SetConnMaxIdleTime(5 * time.Minute)
		return db, nil
	case strings.HasPrefix(url, "sqlite:"):
		path := strings.TrimPrefix(url, "sqlite:")
		if dir := filepath.Dir(path); dir != "" {
			if err := os.MkdirAll(dir, 0o750); err != nil {
				return nil, fmt.Errorf("create database directory: %w", err)
			}
		}
		return openSQLite(path, gcfg, o.busyTimeout)
	default:
		return nil, errors.New("database URL must start with postgres:// or sqlite:")
	}
}

// openSQLite opens one connection that writes and a pool of connections that only read.
//
// SQLite lets one connection write at a time. With every connection allowed to write, each writer
// waited for the lock in SQLite's busy handler, which sleeps and retries in no order: with many
// concurrent writers some waited past busy_timeout and failed (SQLITE_BUSY after 11 s, seen as 500s
// on sign-in with 256 concurrent clients in bench/sign). With one writing connection, Go's pool is
// the queue and a writer waits its turn however long the queue is. GORM's dbresolver routes each
// statement: creates, updates, deletes, transactions and raw SQL that is not a SELECT (INSERT …
// RETURNING through Raw(...).Rows() included) to the writer, queries and raw SELECTs to the readers.
// WAL lets the readers read beside the writer; they are query_only, so a write routed to them fails
// at once instead of competing for the lock. River's driver takes the writer (gdb.DB()), as River
// advises for SQLite.
//
// Immediate transactions take the write lock at BEGIN, so another process on the same file (a
// command beside the server) waits at BEGIN (busy_timeout) instead of failing on a lock upgrade;
// synchronous=FULL makes an acknowledged appeal survive a power cut, not only a process crash.
// temp_store=MEMORY keeps the writer's statement journals (what a multi-row INSERT inside a transaction
// would undo on a failed row) in memory instead of a temporary file: they hold one statement's pages, and
// writing them to disk took a quarter of a 100,000-row import (bench/import).
func openSQLite(path string, gcfg *gorm.Config, busyTimeout time.Duration) (*gorm.DB, error) {
	file := fmt.Sprintf("file:%s?_pragma=busy_timeout(%d)&_pragma=foreign_keys(1)", path, busyTimeout.Milliseconds())
	db, err := gorm.Open(sqlite.Open(file+"&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=temp_store(2)&_txlock=immediate"), gcfg)
	if err != nil {
		return nil, fmt.Errorf("open SQLite %s: %w", path, err)
	}
	writer, err := db.DB()
	if err != nil {
		return nil, err
	}
	writer.SetMaxOpenConns(1)
	writer.SetMaxIdleConns(1)
	// The writer has already switched the file to WAL (gorm.Open asked it for the version), which
	// the readers then find in the file.
	readers, err := sql.Open(sqlite.DriverName, file+"&_pragma=query_only(1)")
	if err != nil {
		_ = writer.Close()
		return nil, fmt.Errorf("open SQLite %s: %w", path, err)
	}
	// Reading is CPU work in this process (pure-Go SQLite): a few connections per core.
	n := max(4, 2*runtime.NumCPU())
	readers.SetMaxOpenConns(n)
	readers.SetMaxIdleConns(n)
	err = db.Use(dbresolver.Register(dbresolver.Config{
		Replicas: []gorm.Dialector{&sqlite.Dialector{DriverName: sqlite.DriverName, Conn: readers}},
	}))
	if err != nil {
		_ = writer.Close()
		_ = readers.Close()
		return nil, fmt.Errorf("open SQLite %s: readers: %w", path, err)
	}
	return db, nil
}

// pools returns every connection pool behind db: the one pool on PostgreSQL, the writer and the
// readers on SQLite.
func pools(db *gorm.DB) ([]*sql.DB, error) {
	main, err := db.DB()
	if err != nil {
		return nil, err
	}
	all := []*sql.DB{main}
	if r, ok := db.Config.Plugins[(&dbresolver.DBResolver{}).Name()].(*dbresolver.DBResolver); ok {
		r.Call(func(p gorm.ConnPool) error {
			if s, ok := p.(*sql.DB); ok && !slices.Contains(all, s) {
				all = append(all, s)
			}
			return nil
		})
	}
	return all, nil
}

// DefaultSlowQuery is how long a statement may take before it is logged, unless SlowQuery says otherwise.
const DefaultSlowQuery = 500 * time.Millisecond

// bulkCacheKiB is the SQLite writer's page cache during a bulk write (BulkCache); sqliteCacheKiB is
// SQLite's default, which the writer keeps otherwise.
const bulkCacheKiB, sqliteCacheKiB = 64 << 10, 2000

// BulkCache lets one bulk write in the transaction tx (an import of thousands of rows) keep up to 64 MiB
// of pages in SQLite's cache, and returns what puts the default back, to be called before tx ends. With
// the default 2 MiB, an import into a table with ten indexes spilled dirty pages to the WAL and read them
// back over and over (a 100,000-row import: 31 s with 16 MiB, 26 s with 64, against 40 s). Only for
// the time of the write: a server's writer otherwise keeps the small cache. PostgreSQL: nothing.
func BulkCache(tx *gorm.DB) (restore func() error, err error) {
	if Dialect(tx) != SQLite {
		return func() error { return nil }, nil
	}
	if err := tx.Exec(fmt.Sprintf("PRAGMA cache_size = -%d", bulkCacheKiB)).Error; err != nil {
		return nil, fmt.Errorf("bulk cache: %w", err)
	}
	return func() error {
		if err := tx.Exec(fmt.Sprintf("PRAGMA cache_size = -%d", sqliteCacheKiB)).Error; err != nil {
			return fmt.Errorf("bulk cache: %w", err)
		}
		return nil
	}, nil
}

// Dialect returns Postgres or SQLite.
func Dialect(db *gorm.DB) string { return db.Dialector.Name() }

// Ping checks that the database answers, on every pool; /healthz uses it.
func Ping(ctx context.Context, db *gorm.DB) error {
	all, err := pools(db)
	if err != nil {
		return err
	}
	for _, p := range all {
		if err := p.PingContext(ctx); err != nil {
			return err
		}
	}
	return nil
}

// Close closes the connection pools.
func Close(db *gorm.DB) error {
	all, err := pools(db)
	if err != nil {
		return err
	}
	for _, p := range all {
		err = errors.Join(err, p.Close())
	}
	return err
}
