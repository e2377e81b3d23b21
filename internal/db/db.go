// Package db opens GORM on PostgreSQL (production) or the embedded pure-Go SQLite (the zero-setup
// default) and applies the embedded SQL migrations. No AutoMigrate: the schema is the SQL in migrations/.
package db

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Dialect names, as GORM reports them.
const (
	Postgres = "postgres"
	SQLite   = "sqlite"
)

// Option changes how Open opens a database.
type Option func(*options)

type options struct {
	slowQuery time.Duration
}

// SlowQuery sets how long a statement may take before it is logged (default 500 ms).
func SlowQuery(d time.Duration) Option {
	return func(o *options) {
		if d > 0 {
			o.slowQuery = d
		}
	}
}

// Open connects to the database named by url: "postgres://..." or "sqlite:PATH".
func Open(url string, log *slog.Logger, opts ...Option) (*gorm.DB, error) {
	o := options{slowQuery: DefaultSlowQuery}
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
		// WAL lets readers run beside the writer; immediate transactions take the write lock at BEGIN so
		// two registrations wait for each other (busy_timeout) instead of failing on a lock upgrade;
		// synchronous=FULL makes an acknowledged appeal survive a power cut, not only a process crash.
		dsn := "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)" +
			"&_pragma=foreign_keys(1)&_pragma=synchronous(FULL)&_txlock=immediate"
		db, err := gorm.Open(sqlite.Open(dsn), gcfg)
		if err != nil {
			return nil, fmt.Errorf("open SQLite %s: %w", path, err)
		}
		return db, nil
	default:
		return nil, errors.New("database URL must start with postgres:// or sqlite:")
	}
}

// DefaultSlowQuery is how long a statement may take before it is logged, unless SlowQuery says otherwise.
const DefaultSlowQuery = 500 * time.Millisecond

// Dialect returns Postgres or SQLite.
func Dialect(db *gorm.DB) string { return db.Dialector.Name() }

// Ping checks that the database answers; /healthz uses it.
func Ping(ctx context.Context, db *gorm.DB) error {
	sqlDB, err := db.DB()
	if err != nil {
		return err
	}
	return sqlDB.PingContext(ctx)
}

// Close closes the connection pool.
func Close(db *gorm.DB) error {
	sqlDB, err := db.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}
