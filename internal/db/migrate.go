package db

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"gorm.io/gorm"

	"github.com/hromada/hromada/migrations"
)

// ErrSchemaOutdated means the database lacks migrations this binary needs.
var ErrSchemaOutdated = errors.New("the database schema is older than this version of Hromada expects; run `hromada migrate`")

func migrator(db *gorm.DB, log *slog.Logger) (*goose.Provider, error) {
	sqlDB, err := db.DB()
	if err != nil {
		return nil, err
	}
	dialect := Dialect(db)
	fsys, err := migrations.For(dialect)
	if err != nil {
		return nil, err
	}
	opts := []goose.ProviderOption{goose.WithSlog(log), goose.WithGoMigrations(riverMigration(dialect))}
	var gd goose.Dialect
	switch dialect {
	case Postgres:
		gd = goose.DialectPostgres
		// Several instances starting at once: one migrates, the others wait on an advisory lock.
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	case SQLite:
		gd = goose.DialectSQLite3
	default:
		return nil, fmt.Errorf("no migrations for dialect %q", dialect)
	}
	return goose.NewProvider(gd, sqlDB, fsys, opts...)
}

// Migrate applies every pending migration, each in its own transaction, and returns the versions applied.
// On PostgreSQL a role that does not own the schema gets ErrNotOwner when migrations are pending.
func Migrate(ctx context.Context, db *gorm.DB, log *slog.Logger) ([]int64, error) {
	p, err := migrator(db, log)
	if err != nil {
		return nil, err
	}
	if Dialect(db) == SQLite {
		// goose keeps a connection for its whole run and hands River's migration the pool, whose one
		// writing connection (see openSQLite) it holds: the run gets a second one. Nothing else runs
		// during migrations, and goose writes only between the migrations it runs.
		sqlDB, err := db.DB()
		if err != nil {
			return nil, err
		}
		sqlDB.SetMaxOpenConns(2)
		defer sqlDB.SetMaxOpenConns(1)
	}
	if Dialect(db) == Postgres {
		// As the application's role: nothing to do on a current schema, and a refusal that says why
		// (instead of goose's "permission denied") on an outdated one.
		migrated, owns, err := ownership(ctx, db)
		if err != nil {
			return nil, err
		}
		if !owns {
			if !migrated {
				return nil, ErrNotOwner
			}
			pending, err := p.HasPending(ctx)
			if err != nil {
				return nil, fmt.Errorf("migrate: %w", err)
			}
			if pending {
				return nil, ErrNotOwner
			}
			return nil, nil
		}
	}
	results, err := p.Up(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	applied := make([]int64, 0, len(results))
	for _, r := range results {
		applied = append(applied, r.Source.Version)
	}
	return applied, nil
}

// CheckSchema returns ErrSchemaOutdated when migrations are pending.
func CheckSchema(ctx context.Context, db *gorm.DB, log *slog.Logger) error {
	p, err := migrator(db, log)
	if err != nil {
		return err
	}
	current, target, err := p.GetVersions(ctx)
	if err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if current < target {
		return fmt.Errorf("%w (database at %d, expected %d)", ErrSchemaOutdated, current, target)
	}
	return nil
}
