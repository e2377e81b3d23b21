package audit_test

import (
	"context"
	"testing"

	"github.com/hromada/hromada/internal/audit"
	"github.com/hromada/hromada/internal/dbtest"
)

// The log keeps what is written, filters it, and the database itself refuses to change or remove a line.
func TestRecordListAndAppendOnly(t *testing.T) {
	gdb := dbtest.Open(t)
	ctx := audit.WithActor(context.Background(), audit.Actor{IP: "192.0.2.7"})
	if err := audit.Record(ctx, gdb, "appeal.view", "appeal", 5, ""); err != nil {
		t.Fatal(err)
	}
	if err := audit.Record(ctx, gdb, "department.create", "department", 1, "Відділ"); err != nil {
		t.Fatal(err)
	}
	s := audit.NewService(gdb)
	list, total, err := s.List(ctx, audit.Filter{Action: "appeal."})
	if err != nil || total != 1 || len(list) != 1 || list[0].IP != "192.0.2.7" || *list[0].ObjectID != 5 {
		t.Fatalf("filtered list = %+v, %d, %v", list, total, err)
	}
	if _, total, _ := s.List(ctx, audit.Filter{}); total != 2 {
		t.Fatalf("all = %d, want 2", total)
	}
	if err := gdb.Exec("UPDATE audit_log SET ip = 'x'").Error; err == nil {
		t.Error("an audit line was changed")
	}
	if err := gdb.Exec("DELETE FROM audit_log").Error; err == nil {
		t.Error("an audit line was deleted")
	}
	if _, total, _ := s.List(ctx, audit.Filter{}); total != 2 {
		t.Fatalf("after refused changes = %d, want 2", total)
	}
}
