package app_test

import (
	"context"
	"errors"
	"testing"

	"gorm.io/gorm"

	"github.com/hromada/hromada/internal/apitoken"
	"github.com/hromada/hromada/internal/audit"
	"github.com/hromada/hromada/internal/db"
	"github.com/hromada/hromada/internal/dbtest"
	"github.com/hromada/hromada/internal/department"
	"github.com/hromada/hromada/internal/georeport"
	"github.com/hromada/hromada/internal/identity"
	"github.com/hromada/hromada/internal/intake"
	"github.com/hromada/hromada/internal/notify"
	"github.com/hromada/hromada/internal/petition"
	"github.com/hromada/hromada/internal/reception"
	"github.com/hromada/hromada/internal/registry"
	"github.com/hromada/hromada/internal/reporttext"
	"github.com/hromada/hromada/internal/settlement"
	"github.com/hromada/hromada/internal/source"
	"github.com/hromada/hromada/internal/web"
)

func allModels() []any {
	var m []any
	m = append(m, identity.Models()...)
	m = append(m, registry.Models()...)
	m = append(m, web.Models()...)
	m = append(m, notify.Models()...)
	m = append(m, petition.Models()...)
	m = append(m, reception.Models()...)
	m = append(m, department.Models()...)
	m = append(m, audit.Models()...)
	m = append(m, settlement.Models()...)
	m = append(m, source.Models()...)
	m = append(m, apitoken.Models()...)
	m = append(m, reporttext.Models()...)
	m = append(m, georeport.Models()...)
	m = append(m, intake.Models()...)
	return m
}

// The GORM models and the SQL migrations must describe the same tables: every field has its column and
// every column has its field. Runs on SQLite, and on PostgreSQL when HROMADA_TEST_DATABASE_URL is set.
func TestModelsMatchMigratedSchema(t *testing.T) {
	gdb := dbtest.Open(t)
	for _, model := range allModels() {
		stmt := &gorm.Statement{DB: gdb}
		if err := stmt.Parse(model); err != nil {
			t.Fatalf("%T: %v", model, err)
		}
		table := stmt.Schema.Table
		if !gdb.Migrator().HasTable(table) {
			t.Errorf("%T: table %s is missing", model, table)
			continue
		}
		cols, err := gdb.Migrator().ColumnTypes(table)
		if err != nil {
			t.Fatal(err)
		}
		inDB := map[string]bool{}
		for _, c := range cols {
			inDB[c.Name()] = true
		}
		for _, f := range stmt.Schema.Fields {
			if f.DBName == "" {
				continue // associations
			}
			if !inDB[f.DBName] {
				t.Errorf("%s: column %s of field %s.%s is missing", table, f.DBName, stmt.Schema.Name, f.Name)
			}
			delete(inDB, f.DBName)
		}
		for c := range inDB {
			t.Errorf("%s: column %s has no field in %s", table, c, stmt.Schema.Name)
		}
	}
}

// Migrating twice applies nothing the second time; an empty database is "outdated" until migrated.
func TestMigrationsAreIdempotentAndChecked(t *testing.T) {
	ctx := context.Background()
	gdb, err := db.Open(dbtest.URL(t), dbtest.Quiet())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close(gdb)
	if err := db.CheckSchema(ctx, gdb, dbtest.Quiet()); !errors.Is(err, db.ErrSchemaOutdated) {
		t.Fatalf("an empty database: want ErrSchemaOutdated, got %v", err)
	}
	first, err := db.Migrate(ctx, gdb, dbtest.Quiet())
	if err != nil || len(first) == 0 {
		t.Fatalf("first migration: %v %v", first, err)
	}
	again, err := db.Migrate(ctx, gdb, dbtest.Quiet())
	if err != nil || len(again) != 0 {
		t.Fatalf("second migration applied %v (%v)", again, err)
	}
	if err := db.CheckSchema(ctx, gdb, dbtest.Quiet()); err != nil {
		t.Fatalf("a migrated database: %v", err)
	}
}
