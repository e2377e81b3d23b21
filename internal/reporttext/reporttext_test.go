package reporttext_test

import (
	"context"
	"strings"
	"testing"

	"github.com/hromada/hromada/internal/audit"
	"github.com/hromada/hromada/internal/dbtest"
	"github.com/hromada/hromada/internal/errs"
	"github.com/hromada/hromada/internal/report"
	"github.com/hromada/hromada/internal/reporttext"
)

// Every change a new version, the latest first; an unchanged or still empty part adds none; each version
// audited; periods apart; bad parts and texts too long refused.
func TestVersions(t *testing.T) {
	gdb := dbtest.Open(t)
	s := reporttext.NewService(gdb)
	ctx := audit.WithActor(context.Background(), audit.Actor{IP: "192.0.2.1"})
	q1 := report.Period{From: "2024-01-01", To: "2024-03-31"}
	save := func(texts map[string]string, want ...string) {
		t.Helper()
		changed, err := s.Save(ctx, q1, texts)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(changed, ",") != strings.Join(want, ",") {
			t.Errorf("changed %q, want %q", changed, want)
		}
	}
	save(map[string]string{report.PartMethodical: "Перша.", report.PartNovelties: ""}, report.PartMethodical)
	save(map[string]string{report.PartMethodical: "Друга."}, report.PartMethodical)
	save(map[string]string{report.PartMethodical: "Друга.", report.PartOrganisational: "Засідання комісії."}, report.PartOrganisational)
	save(map[string]string{report.PartMethodical: "Друга."})

	h, err := s.Of(context.Background(), q1)
	if err != nil {
		t.Fatal(err)
	}
	m := h[report.PartMethodical]
	if len(m) != 2 || m[0].Version != 2 || m[0].Body != "Друга." || m[1].Version != 1 || m[1].Body != "Перша." {
		t.Errorf("methodical versions: %+v", m)
	}
	latest := h.Latest()
	if latest[report.PartMethodical] != "Друга." || latest[report.PartOrganisational] != "Засідання комісії." || len(latest) != 2 {
		t.Errorf("latest: %q", latest)
	}
	var n int64
	if err := gdb.Model(&audit.Entry{}).Where("action = ? AND object_type = ?", "report.text.save", "report_text").Count(&n).Error; err != nil || n != 3 {
		t.Errorf("%d audit lines (%v), want 3", n, err)
	}
	if other, err := s.Of(context.Background(), report.Period{From: "2024-01-01", To: "2024-01-31"}); err != nil || len(other) != 0 {
		t.Errorf("January has the quarter's texts: %v %v", other, err)
	}

	if _, err := s.Save(ctx, q1, map[string]string{"summary": "x"}); !errs.Is(err, errs.Invalid) {
		t.Errorf("an unknown part: %v", err)
	}
	if _, err := s.Save(ctx, q1, map[string]string{report.PartNovelties: strings.Repeat("ї", reporttext.MaxChars+1)}); !errs.Is(err, errs.Invalid) {
		t.Errorf("a text too long: %v", err)
	}
	if _, err := s.Save(ctx, report.Period{From: "2024-1-1", To: "2024-03-31"}, map[string]string{report.PartNovelties: "x"}); !errs.Is(err, errs.Invalid) {
		t.Errorf("a period that is no date: %v", err)
	}
}
