package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hromada/hromada/internal/config"
)

func TestMigrateCommand(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("HROMADA_DATA_DIR", dir)
	t.Setenv("HROMADA_DATABASE_URL", "sqlite:"+filepath.Join(dir, "h.db"))
	var out bytes.Buffer
	if err := run([]string{"migrate"}, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "migrations applied: [1") {
		t.Fatalf("first migrate: %q", out.String())
	}
	out.Reset()
	if err := run([]string{"migrate"}, &out); err != nil || !strings.Contains(out.String(), "migrations applied: []") {
		t.Fatalf("second migrate: %q %v", out.String(), err)
	}
}

func TestBadUsage(t *testing.T) {
	t.Setenv("HROMADA_DATA_DIR", t.TempDir())
	if err := run([]string{"frobnicate"}, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "unknown command") {
		t.Fatalf("unknown command: %v", err)
	}
	t.Setenv("HROMADA_TIMEZONE", "Nowhere/Special")
	if err := run([]string{"migrate"}, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "HROMADA_TIMEZONE") {
		t.Fatalf("bad configuration must name the variable: %v", err)
	}
}

func TestAdminGrant(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("HROMADA_DATA_DIR", dir)
	t.Setenv("HROMADA_DATABASE_URL", "sqlite:"+filepath.Join(dir, "h.db"))
	if err := run([]string{"migrate"}, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	err := run([]string{"admin", "grant", "head@rada.example", "admin"}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "has signed in yet") {
		t.Fatalf("granting to nobody: %v", err)
	}
	if err := run([]string{"admin", "grant", "x"}, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "usage") {
		t.Fatalf("bad usage: %v", err)
	}
}

// Roles are PostgreSQL's: asking the embedded database to grant one is an error that says so.
func TestMigrateGrantNeedsPostgreSQL(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("HROMADA_DATA_DIR", dir)
	t.Setenv("HROMADA_DATABASE_URL", "sqlite:"+filepath.Join(dir, "h.db"))
	err := run([]string{"migrate", "-grant-to", "hromada_app"}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "PostgreSQL") {
		t.Fatalf("migrate -grant-to on SQLite: %v", err)
	}
}

// The welcome names the development provider's staff identities and says how staff get roles for real.
func TestWelcomeSaysHowStaffGetRoles(t *testing.T) {
	t.Setenv("HROMADA_DATA_DIR", t.TempDir())
	cfg, err := config.Load(os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	printWelcome(&out, cfg)
	for _, want := range []string{"staff: admin", `in the "roles" claim and open http://localhost:8080/admin at once`, "/admin/staff",
		"hromada admin grant EMAIL admin", "HROMADA_OIDC_CLAIM_ROLES"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the welcome lacks %q:\n%s", want, out.String())
		}
	}
}
