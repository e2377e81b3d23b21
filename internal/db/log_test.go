package db_test

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hromada/hromada/internal/db"
	"github.com/hromada/hromada/internal/dbtest"
	"github.com/hromada/hromada/internal/logs"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// Slow and failed statements are logged with their SQL text and without their values, on both
// databases, and so is the error they return when a handler logs it.
func TestSQLLogHasNoValues(t *testing.T) {
	out := &lockedBuffer{}
	log := logs.Redacted(slog.New(slog.NewTextHandler(out, &slog.HandlerOptions{Level: slog.LevelDebug})))
	gdb, err := db.Open(dbtest.URL(t), log, db.SlowQuery(time.Nanosecond))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close(gdb) })
	if err := gdb.Exec("CREATE TABLE people (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, name TEXT NOT NULL)").Error; err != nil {
		t.Fatal(err)
	}
	const email, name = "zahorulko@mail.example", "Загорулько Євстахій"
	insert := "INSERT INTO people (id, email, name) VALUES (?, ?, ?)"
	if err := gdb.Exec(insert, 1, email, name).Error; err != nil {
		t.Fatal(err)
	}
	err = gdb.Exec(insert, 2, email, name).Error
	if err == nil {
		t.Fatal("the second insert must violate the unique e-mail")
	}
	log.Error("request failed", "err", err)
	if db.Dialect(gdb) == db.Postgres {
		// PostgreSQL quotes a value it cannot convert in the error's own message.
		var n int
		err := gdb.Raw("SELECT CAST(? AS integer)", name).Scan(&n).Error
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Fatalf("want PostgreSQL's error quoting the value, got %v", err)
		}
		log.Error("request failed", "err", err)
	}

	logged := out.String()
	for _, want := range []string{"level=WARN msg=SQL", "INSERT INTO people (id, email, name) VALUES", "level=ERROR msg=SQL"} {
		if !strings.Contains(logged, want) {
			t.Errorf("the log lacks %q:\n%s", want, logged)
		}
	}
	for _, bad := range []string{email, name, "Загорулько"} {
		if strings.Contains(logged, bad) {
			t.Errorf("the log carries %q:\n%s", bad, logged)
		}
	}
}
