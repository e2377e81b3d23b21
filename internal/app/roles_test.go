package app_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"

	"github.com/hromada/hromada/internal/app"
	"github.com/hromada/hromada/internal/apptest"
	"github.com/hromada/hromada/internal/config"
	"github.com/hromada/hromada/internal/db"
	"github.com/hromada/hromada/internal/dbtest"
)

// With two roles on PostgreSQL the server cannot rewrite the audit log. The owner migrates and grants;
// the application's role then serves everything (sign-in, an appeal with its audit line and e-mail
// through the job queue) but UPDATE, DELETE, TRUNCATE, ALTER TABLE and DISABLE TRIGGER on audit_log
// all fail for it, as does any DDL. The same statements succeed as the owner, the role the server ran
// as before, which is what made the audit log rewritable. As the application's role, serve refuses to
// migrate with a message that says why.
func TestApplicationRoleCannotRewriteTheAuditLog(t *testing.T) {
	base := os.Getenv(dbtest.EnvURL)
	if base == "" {
		t.Skip("database roles are PostgreSQL's: set " + dbtest.EnvURL)
	}
	ctx := context.Background()
	ownerURL := dbtest.URL(t)
	role := createRole(t, base)
	appURL := withUser(t, ownerURL, role)
	cfgOf := func(env map[string]string) *config.Config {
		t.Helper()
		vars := map[string]string{"HROMADA_DATA_DIR": t.TempDir()}
		for k, v := range env {
			vars[k] = v
		}
		cfg, err := config.Load(func(k string) string { return vars[k] })
		if err != nil {
			t.Fatal(err)
		}
		return cfg
	}

	// Serve as the application's role on a schema it may not change: refused, and why.
	if a, err := app.Open(ctx, cfgOf(map[string]string{"HROMADA_DATABASE_URL": appURL}), dbtest.Quiet()); !errors.Is(err, db.ErrNotOwner) {
		if a != nil {
			_ = a.Close()
		}
		t.Fatalf("serve as the application's role on an unmigrated schema: want ErrNotOwner, got %v", err)
	}

	// `hromada migrate` with both URLs: the owner migrates and grants the role named in the server's URL.
	two := cfgOf(map[string]string{"HROMADA_DATABASE_URL": appURL, "HROMADA_MIGRATE_DATABASE_URL": ownerURL})
	if two.AppRole() != role {
		t.Fatalf("AppRole %q, want %q", two.AppRole(), role)
	}
	if applied, err := app.Migrate(ctx, two, dbtest.Quiet(), two.AppRole()); err != nil || len(applied) == 0 {
		t.Fatalf("migrate as the owner: %v %v", applied, err)
	}

	// The real program as the application's role, its job queue working: sign-in, an appeal, its e-mail.
	out := &syncBuffer{}
	s := apptest.StartLogged(t, map[string]string{"HROMADA_DATABASE_URL": appURL, "HROMADA_MIGRATE_DATABASE_URL": ownerURL},
		slog.New(slog.NewTextHandler(out, &slog.HandlerOptions{Level: slog.LevelDebug})))
	c := apptest.Browser(t)
	s.SignIn(t, c, "dev-citizen-olena")
	form := apptest.Get(t, c, s.Path("/appeals/new"))
	r := s.FileAppeal(t, c, url.Values{
		"_csrf": {apptest.CSRF(t, form.Body)}, "questions": {"1"},
		"last_name": {"Шевченко"}, "first_name": {"Олена"}, "patronymic": {"Петрівна"},
		"address": {"м. Зразкове, вул. Соборна, буд. 12, кв. 5"}, "email": {"olena.shevchenko@mail.example"},
		"type": {"complaint"}, "q0_subject": {"09"}, "q0_text": {"Немає гарячої води"},
		"summary": {"Третій тиждень у будинку на Соборній, 12 немає гарячої води."}, "consent": {"yes"},
	})
	if !regexp.MustCompile(`^/appeals/\d+/registered$`).MatchString(r.Location) {
		t.Fatalf("filing an appeal as the application's role: %d %q\n%.2000s", r.Status, r.Location, r.Body)
	}
	s.Mail.WaitFor(t, 1, 15*time.Second)
	if r := apptest.Get(t, c, s.Path(r.Location)); r.Status != http.StatusOK {
		t.Fatalf("the appeal's page: %d", r.Status)
	}
	var who string
	if err := s.App.DB.Raw("SELECT current_user").Scan(&who).Error; err != nil || who != role {
		t.Fatalf("the program runs as %q (%v), want %q", who, err, role)
	}

	app := openAs(t, appURL)
	var lines int64
	if err := app.Table("audit_log").Count(&lines).Error; err != nil || lines == 0 {
		t.Fatalf("the application reads the audit log: %d lines, %v", lines, err)
	}
	if err := app.Exec("INSERT INTO audit_log (occurred_at, action, object_type, object_id) VALUES (now(), 'test.insert', 'test', 1)").Error; err != nil {
		t.Fatalf("the application adds to the audit log: %v", err)
	}
	// It signs petitions through the procedure (migration 26), which runs with its rights: the counter's
	// upsert, then the INSERT … SELECT (no such petition here, so nothing is inserted).
	if err := app.Exec(`CALL petition_sign('{"roles-test|1m0s|0"}'::text[], '{"2030-01-01T00:00:00Z"}'::timestamptz[],
		'{5}'::bigint[], 0, 0, 'key', 'name', NULL, now(), 'collecting', NULL, NULL)`).Error; err != nil {
		t.Fatalf("the application calls petition_sign: %v", err)
	}
	forbidden := []string{
		"UPDATE audit_log SET detail = 'rewritten'",
		"DELETE FROM audit_log",
		"TRUNCATE audit_log",
		"ALTER TABLE audit_log ADD COLUMN note text",
		"ALTER TABLE audit_log DISABLE TRIGGER USER",
		"ALTER TABLE audit_log DISABLE TRIGGER ALL",
		"DROP TABLE audit_log",
		"CREATE TABLE scratch (id int)",
		"INSERT INTO goose_db_version (version_id, is_applied) VALUES (999999, true)",
	}
	for _, stmt := range forbidden {
		err := app.Exec(stmt).Error
		var pe *pgconn.PgError
		if !errors.As(err, &pe) || pe.Code != "42501" { // insufficient_privilege
			t.Errorf("as the application's role %q: want SQLSTATE 42501, got %v", stmt, err)
		}
	}
	if err := app.Table("audit_log").Count(&lines).Error; err != nil {
		t.Fatal(err)
	}

	// The owner, the role the server used to run as, could do all of it (rolled back here).
	owner := openAs(t, ownerURL)
	err := owner.Transaction(func(tx *gorm.DB) error {
		for _, stmt := range []string{"ALTER TABLE audit_log DISABLE TRIGGER USER", "UPDATE audit_log SET detail = 'rewritten'",
			"DELETE FROM audit_log", "ALTER TABLE audit_log ADD COLUMN note text"} {
			if err := tx.Exec(stmt).Error; err != nil {
				return errors.New(stmt + ": " + err.Error())
			}
		}
		return errRollback
	})
	if !errors.Is(err, errRollback) {
		t.Errorf("the owner could not rewrite the audit log, so this test shows nothing: %v", err)
	}

	if logged := out.String(); strings.Contains(logged, "level=ERROR") || strings.Contains(logged, "42501") {
		t.Errorf("the program logged errors as the application's role:\n%s", logged)
	}
}

var errRollback = errors.New("rolled back")

// createRole makes a login role that owns nothing and drops it when the test ends.
func createRole(t *testing.T, base string) string {
	t.Helper()
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	role := "hromada_app_" + hex.EncodeToString(b)
	admin := openAs(t, base)
	if err := admin.Exec("CREATE ROLE " + role + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE").Error; err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// Its grants first, then the role (its connections are closed by then).
		for _, stmt := range []string{"DROP OWNED BY " + role, "DROP ROLE " + role} {
			if err := admin.Exec(stmt).Error; err != nil {
				t.Errorf("%s: %v", stmt, err)
			}
		}
	})
	return role
}

// withUser is raw with its user replaced (the test server trusts local connections).
func withUser(t *testing.T, raw, user string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.User(user)
	return u.String()
}

func openAs(t *testing.T, u string) *gorm.DB {
	t.Helper()
	gdb, err := db.Open(u, dbtest.Quiet())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close(gdb) })
	return gdb
}
