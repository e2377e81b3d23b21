package db_test

import (
	"path/filepath"
	"strings"
	"testing"

	"gorm.io/plugin/dbresolver"

	"github.com/hromada/hromada/internal/db"
	"github.com/hromada/hromada/internal/dbtest"
)

// On SQLite one connection writes and the others only read: raw INSERT … RETURNING read through
// Rows() goes to the writer, a SELECT to a reader, and a reader refuses to write.
func TestSQLiteOneWriterManyReaders(t *testing.T) {
	gdb, err := db.Open("sqlite:"+filepath.Join(t.TempDir(), "test.db"), dbtest.Quiet())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close(gdb) })
	writer, err := gdb.DB()
	if err != nil {
		t.Fatal(err)
	}
	if n := writer.Stats().MaxOpenConnections; n != 1 {
		t.Fatalf("the writer may open %d connections, want 1", n)
	}
	if err := gdb.Exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)").Error; err != nil {
		t.Fatal(err)
	}
	rows, err := gdb.Raw("INSERT INTO notes (text) VALUES (?) RETURNING id", "one").Rows()
	if err != nil {
		t.Fatalf("INSERT … RETURNING through Rows(): %v", err)
	}
	var id int64
	for rows.Next() {
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
	}
	if err := rows.Close(); err != nil || id != 1 {
		t.Fatalf("returned id %d, %v", id, err)
	}
	var text string
	if err := gdb.Raw("SELECT text FROM notes WHERE id = ?", id).Scan(&text).Error; err != nil || text != "one" {
		t.Fatalf("read back %q, %v", text, err)
	}
	if err := gdb.Clauses(dbresolver.Read).Exec("INSERT INTO notes (text) VALUES ('two')").Error; err == nil ||
		!strings.Contains(err.Error(), "readonly") {
		t.Errorf("a reader must refuse to write, got %v", err)
	}
}
