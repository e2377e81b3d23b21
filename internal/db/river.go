package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/pressly/goose/v3"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"gorm.io/gorm"
)

// riverSchemaVersion is the River schema this build expects. Upgrading River to a version with new
// migrations means a new goose migration with the new target, so goose's lock and version keep
// covering River's tables.
const riverSchemaVersion = 8

// RiverDriver returns River's driver for the database behind gdb: riverdatabasesql on PostgreSQL (it
// polls for jobs, no LISTEN connection needed) and riversqlite on SQLite. Both take *sql.Tx, so a job
// joins the GORM transaction of the change that causes it.
func RiverDriver(gdb *gorm.DB) (riverdriver.Driver[*sql.Tx], error) {
	sqlDB, err := gdb.DB()
	if err != nil {
		return nil, err
	}
	return riverDriverFor(Dialect(gdb), sqlDB)
}

func riverDriverFor(dialect string, sqlDB *sql.DB) (riverdriver.Driver[*sql.Tx], error) {
	switch dialect {
	case Postgres:
		return riverdatabasesql.New(sqlDB), nil
	case SQLite:
		return riversqlite.New(sqlDB), nil
	}
	return nil, fmt.Errorf("no job queue driver for %q", dialect)
}

// SQLTx returns the *sql.Tx under a GORM transaction, for River's InsertTx.
func SQLTx(tx *gorm.DB) (*sql.Tx, error) {
	if t, ok := tx.Statement.ConnPool.(*sql.Tx); ok {
		return t, nil
	}
	return nil, errors.New("a job can only be enqueued inside a database transaction")
}

// riverMigration creates River's tables as goose migration 2. River's own migrator takes no lock;
// inside goose it runs under goose's lock, so instances starting together do not race.
func riverMigration(dialect string) *goose.Migration {
	run := func(direction rivermigrate.Direction, target int) func(context.Context, *sql.DB) error {
		return func(ctx context.Context, sqlDB *sql.DB) error {
			drv, err := riverDriverFor(dialect, sqlDB)
			if err != nil {
				return err
			}
			m, err := rivermigrate.New(drv, nil)
			if err != nil {
				return err
			}
			_, err = m.Migrate(ctx, direction, &rivermigrate.MigrateOpts{TargetVersion: target})
			return err
		}
	}
	return goose.NewGoMigration(2,
		&goose.GoFunc{RunDB: run(rivermigrate.DirectionUp, riverSchemaVersion)},
		&goose.GoFunc{RunDB: run(rivermigrate.DirectionDown, -1)})
}
