package app_test

import (
	"context"
	"errors"
	"testing"

	"github.com/hromada/hromada/internal/app"
	"github.com/hromada/hromada/internal/config"
	"github.com/hromada/hromada/internal/db"
	"github.com/hromada/hromada/internal/dbtest"
)

// With migrations at start turned off, the server refuses to run on a schema older than it expects.
func TestServeRefusesOutdatedSchema(t *testing.T) {
	env := map[string]string{
		"HROMADA_DATABASE_URL": dbtest.URL(t),
		"HROMADA_DATA_DIR":     t.TempDir(),
		"HROMADA_AUTO_MIGRATE": "false",
	}
	cfg, err := config.Load(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.Open(context.Background(), cfg, dbtest.Quiet())
	if !errors.Is(err, db.ErrSchemaOutdated) {
		if a != nil {
			a.Close()
		}
		t.Fatalf("want ErrSchemaOutdated, got %v", err)
	}
}

func TestProductionRefusesTheDevelopmentProvider(t *testing.T) {
	env := map[string]string{
		"HROMADA_ENV":     "production",
		"HROMADA_SECRET":  "0123456789abcdef0123456789abcdef-production",
		"HROMADA_DEV_IDP": "true",
	}
	_, err := config.Load(func(k string) string { return env[k] })
	if err == nil {
		t.Fatal("production with the development provider must not start")
	}
}
