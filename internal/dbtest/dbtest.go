// Package dbtest gives each test its own empty, migrated database: a temporary SQLite file by default,
// or a fresh schema in the PostgreSQL named by HROMADA_TEST_DATABASE_URL, so that packages running in
// parallel never see each other's rows.
package dbtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"gorm.io/gorm"

	"github.com/hromada/hromada/internal/db"
)

// EnvURL names the PostgreSQL server used by tests when set.
const EnvURL = "HROMADA_TEST_DATABASE_URL"

// URL returns the address of a new, empty database for this test; it is removed when the test ends.
func URL(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvURL)
	if base == "" {
		return "sqlite:" + filepath.Join(t.TempDir(), "test.db")
	}
	buf := make([]byte, 6)
	if _, err := rand.Read(buf); err != nil {
		t.Fatal(err)
	}
	schema := "test_" + hex.EncodeToString(buf)
	admin, err := db.Open(base, Quiet())
	if err != nil {
		t.Fatalf("open %s: %v", EnvURL, err)
	}
	if err := admin.Exec("CREATE SCHEMA " + schema).Error; err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		if err := admin.Exec("DROP SCHEMA " + schema + " CASCADE").Error; err != nil {
			t.Errorf("drop schema: %v", err)
		}
		_ = db.Close(admin)
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s: %v", EnvURL, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Open returns a migrated database for this test.
func Open(t testing.TB) *gorm.DB {
	t.Helper()
	gdb, err := db.Open(URL(t), Quiet())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close(gdb) })
	if _, err := db.Migrate(context.Background(), gdb, Quiet()); err != nil {
		t.Fatal(err)
	}
	return gdb
}

// Quiet is a logger that drops everything: test output stays readable.
func Quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
