package settlement_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"gorm.io/gorm"

	"github.com/hromada/hromada/internal/audit"
	"github.com/hromada/hromada/internal/classifier"
	"github.com/hromada/hromada/internal/dbtest"
	"github.com/hromada/hromada/internal/errs"
	"github.com/hromada/hromada/internal/settlement"
	"github.com/hromada/hromada/internal/steptest"
)

func kinds(t *testing.T) classifier.List {
	t.Helper()
	clf, err := classifier.Load()
	if err != nil {
		t.Fatal(err)
	}
	return clf.SettlementKinds
}

// community is a small community's list: the city, a town, villages (two of one name in two starosta
// districts, one whose name holds another's, one with an apostrophe), and one made inactive.
func community() []settlement.Settlement {
	return []settlement.Settlement{
		{ID: 1, NameUK: "Зразкове", Kind: "city", Active: true},
		{ID: 2, NameUK: "Лісове", Kind: "town", Active: true},
		{ID: 3, NameUK: "Зелене", Kind: "village", District: "Зеленівський старостинський округ", Active: true},
		{ID: 4, NameUK: "Басань", Kind: "village", Active: true},
		{ID: 5, NameUK: "Нова Басань", Kind: "village", Active: true},
		{ID: 6, NameUK: "Кам'янка", Kind: "village", Active: true},
		{ID: 7, NameUK: "Гай", Kind: "village", District: "Північний округ", Active: true},
		{ID: 8, NameUK: "Гай", Kind: "village", District: "Південний округ", Active: true},
		{ID: 9, NameUK: "Старе", Kind: "village", Active: false},
		{ID: 10, NameUK: "Садове", Active: true},
	}
}

// Addresses as people write them find their settlement: marks with and without dots and spaces, case,
// apostrophes of every kind, Latin look-alike letters; a name is a whole word; what cannot be told apart
// or is not in the list stays unmatched.
func TestMatchFindsTheSettlementInAnAddress(t *testing.T) {
	ix := settlement.NewIndex(community(), kinds(t))
	for _, tc := range []struct {
		address string
		want    int64 // 0: unmatched
	}{
		{"м. Зразкове, вул. Соборна, 1", 1},
		{"м.Зразкове, вул. Соборна, 1", 1},
		{"ЗРАЗКОВЕ, ПРОСП. МИРУ, 7", 1},
		{"Зразківська обл., м. Зразкове", 1},
		{"смт Лісове, вул. Лісова, 3", 2},
		{"сел. Лісове", 2},
		{"с-ще Лісове", 2},
		{"с. Зелене, вул. Садова, 3", 3},
		{"с.Зелене", 3},
		{"село Зелене", 3},
		{"вул. Зеленівська, 4, м. Зразкове", 1}, // "Зелене" is not a part of "Зеленівська"
		{"с. Нова Басань, вул. Шкільна, 2", 5},  // the longer name, not "Басань" inside it
		{"Нова Басань", 5},
		{"с. Басань", 4},
		{"с. Кам'янка", 6},
		{"с. Кам’янка", 6},
		{"с. Камʼянка", 6},
		{"с. Камянка", 6},
		{"с. КАМ`ЯНКА", 6},
		{"Лісове, c. Зелене", 3},                // a Latin c for the mark still marks it
		{"с. Зeлeнe", 3},                        // Latin e inside the name
		{"м. Зразкове, вул. Садове шосе, 3", 1}, // the city by its mark, not the street named like a village
		{"с. Гай", 0},                           // two villages named Гай: not told apart
		{"с. Старе", 0},                         // inactive: no longer matched
		{"вул. Соборна, 1", 0},                  // names no settlement
		{"", 0},                                 // nothing at all
		{"Зелене, Лісове", 0},                   // two settlements, neither marked
		{"с. Зелене, поблизу смт Лісове", 0},    // two settlements, each after its own mark
		{"смт Лісове (колишнє с. Зелене)", 0},   // the same
		{"Садове", 10},                          // a settlement without a kind
		{"м. Садове", 10},                       // marked with another kind's mark: still the only one
		{"Лісове, с. Зелене", 3},                // the marked one over the unmarked one
		{"м. Зразкове, мікрорайон Зелене", 1},   // the city after its own mark over the bare village name
		{"Зразкове Зразкове", 1},                // found twice, one settlement
		{"м. Зразкове, с. Зелене", 0},           // two, each after its own mark: cannot be told
		{strings.Repeat("Зелене ", 1000), 3},    // long input stays one settlement
		{"\x00Зелене\u202e", 3},                 // stray characters part words
	} {
		got := ix.Match(tc.address)
		switch {
		case tc.want == 0 && got != nil:
			t.Errorf("Match(%q) = %d, want no settlement", tc.address, *got)
		case tc.want != 0 && (got == nil || *got != tc.want):
			t.Errorf("Match(%q) = %v, want %d", tc.address, got, tc.want)
		}
	}
	var empty *settlement.Index
	if empty.Match("м. Зразкове") != nil || settlement.NewIndex(nil, kinds(t)).Match("м. Зразкове") != nil {
		t.Error("an empty index matches nothing")
	}
	if !ix.Has(3) || ix.Has(9) || ix.Has(99) || empty.Has(1) {
		t.Error("Has: only active settlements of the index")
	}
}

func fieldError(t *testing.T, err error, field string) string {
	t.Helper()
	var e *errs.Error
	if !errors.As(err, &e) || e.Code != errs.Invalid {
		t.Fatalf("want an invalid-input error, got %v", err)
	}
	return e.Fields[field]
}

// listScene is what the steps of TestSettlements share.
type listScene struct {
	ctx         context.Context
	db          *gorm.DB
	s           *settlement.Service
	city, north *settlement.Settlement
}

// The admin's list: created, checked, changed and made inactive, each change in the audit log; a name
// is unique within its district; the index reads the list as stored.
func TestSettlements(t *testing.T) {
	db := dbtest.Open(t)
	sc := &listScene{ctx: audit.WithActor(context.Background(), audit.Actor{IP: "192.0.2.1"}), db: db,
		s: settlement.NewService(db, kinds(t))}
	steptest.Run(t, sc, []steptest.Step[*listScene]{
		{Name: "created", Run: createSettlements},
		{Name: "refused with the reason beside the field", Run: refuseBadSettlements},
		{Name: "changed and made inactive", Run: changeSettlements},
		{Name: "read as stored", Run: readSettlements},
	})
}

func createSettlements(t *testing.T, sc *listScene) {
	var err error
	sc.city, err = sc.s.Create(sc.ctx, settlement.Input{NameUK: "  Зразкове ", NameEN: "Zrazkove", Kind: "city"})
	if err != nil {
		t.Fatal(err)
	}
	if sc.city.NameUK != "Зразкове" || !sc.city.Active || sc.city.ID == 0 || sc.city.Name("en") != "Zrazkove" {
		t.Fatalf("created: %+v", sc.city)
	}
	sc.north, err = sc.s.Create(sc.ctx, settlement.Input{NameUK: "Гай", Kind: "village", District: "Північний  округ"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sc.s.Create(sc.ctx, settlement.Input{NameUK: "Гай", Kind: "village", District: "Південний округ"}); err != nil {
		t.Fatalf("a village of the same name in another district: %v", err)
	}
	if got := sc.north.Name("uk"); got != "Гай (Північний округ)" {
		t.Errorf("title with the district: %q", got)
	}
}

func refuseBadSettlements(t *testing.T, sc *listScene) {
	for _, tc := range []struct {
		in           settlement.Input
		field, msgID string
	}{
		{settlement.Input{NameUK: "  "}, "name_uk", "settlement.error.required"},
		{settlement.Input{NameUK: "..."}, "name_uk", "settlement.error.letters"},
		{settlement.Input{NameUK: "Зразкове"}, "name_uk", "settlement.error.exists"},
		{settlement.Input{NameUK: "Гай", District: "Північний округ"}, "name_uk", "settlement.error.exists"},
		{settlement.Input{NameUK: strings.Repeat("д", 301)}, "name_uk", "settlement.error.too_long"},
		{settlement.Input{NameUK: "Лісове", NameEN: strings.Repeat("d", 301)}, "name_en", "settlement.error.too_long"},
		{settlement.Input{NameUK: "Лісове", District: strings.Repeat("д", 301)}, "district", "settlement.error.too_long"},
		{settlement.Input{NameUK: "Лісове", Kind: "metropolis"}, "kind", "settlement.error.kind"},
	} {
		_, err := sc.s.Create(sc.ctx, tc.in)
		if got := fieldError(t, err, tc.field); got != tc.msgID {
			t.Errorf("Create(%+v): %s = %q, want %q", tc.in, tc.field, got, tc.msgID)
		}
	}
	if err := sc.s.Update(sc.ctx, sc.north.ID, settlement.Input{NameUK: "Зразкове"}); fieldError(t, err, "name_uk") != "settlement.error.exists" {
		t.Fatalf("renaming onto another's name: %v", err)
	}
}

func changeSettlements(t *testing.T, sc *listScene) {
	if err := sc.s.Update(sc.ctx, sc.north.ID, settlement.Input{NameUK: "Зелений Гай", Kind: "village", District: "Північний округ"}); err != nil {
		t.Fatal(err)
	}
	if err := sc.s.Update(sc.ctx, 999999, settlement.Input{NameUK: "Ніде"}); errs.CodeOf(err) != errs.NotFound {
		t.Fatalf("update of a missing settlement: %v", err)
	}
	if err := sc.s.SetActive(sc.ctx, sc.city.ID, false); err != nil {
		t.Fatal(err)
	}
	if err := sc.s.SetActive(sc.ctx, 999999, false); errs.CodeOf(err) != errs.NotFound {
		t.Fatalf("a missing settlement: %v", err)
	}
	var actions []string
	if err := sc.db.Model(&audit.Entry{}).Where("object_type = ?", "settlement").Order("id").Pluck("action", &actions).Error; err != nil {
		t.Fatal(err)
	}
	want := "settlement.create settlement.create settlement.create settlement.update settlement.deactivate"
	if got := strings.Join(actions, " "); got != want {
		t.Errorf("audit: %s, want %s", got, want)
	}
}

func readSettlements(t *testing.T, sc *listScene) {
	active, err := sc.s.List(sc.ctx, true)
	if err != nil || len(active) != 2 || active[0].NameUK != "Гай" || active[1].NameUK != "Зелений Гай" {
		t.Fatalf("active, by name: %+v %v", active, err)
	}
	ix, err := settlement.LoadIndex(sc.ctx, sc.db, kinds(t))
	if err != nil {
		t.Fatal(err)
	}
	if got := ix.Match("с. Зелений Гай"); got == nil || *got != sc.north.ID {
		t.Errorf("the index reads the renamed settlement: %v", got)
	}
	if got := ix.Match("м. Зразкове"); got != nil {
		t.Errorf("an inactive settlement is not matched: %v", *got)
	}
	titles, err := settlement.Titles(sc.ctx, sc.db)
	if err != nil || titles[sc.city.ID].UK != "Зразкове" || titles[sc.north.ID].UK != "Зелений Гай (Північний округ)" {
		t.Fatalf("titles, inactive ones too: %v %v", titles, err)
	}
	title, ok, err := settlement.TitleOf(sc.ctx, sc.db, sc.city.ID)
	if err != nil || ok || title.UK != "Зразкове" {
		t.Fatalf("an inactive one is not active: %v %v %v", title, ok, err)
	}
	if title, ok, err := settlement.TitleOf(sc.ctx, sc.db, 999999); err != nil || ok || title.UK != "" {
		t.Fatalf("a missing one: %v %v %v", title, ok, err)
	}
}
