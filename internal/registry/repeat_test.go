package registry_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/hromada/hromada/internal/audit"
	"github.com/hromada/hromada/internal/registry"
	"github.com/hromada/hromada/internal/steptest"
)

func TestAuthorKeyNormalises(t *testing.T) {
	base := registry.AuthorKey("Дем'яненко", "Мар'яна", "м. Зразкове, вул. Соборна, 12")
	if base == "" {
		t.Fatal("no key")
	}
	for _, v := range [][3]string{
		{"ДЕМʼЯНЕНКО", "мар’яна", "М.Зразкове вул.Соборна 12"},
		{" дем`яненко ", "Мар‘яна", "м  зразкове,  вул  соборна,12"},
		{"Дем’яненко", "МАР'ЯНА", "м. Зразкове — вул. Соборна (12)"},
	} {
		if got := registry.AuthorKey(v[0], v[1], v[2]); got != base {
			t.Errorf("%q: key %q, want %q", v, got, base)
		}
	}
	for _, v := range [][3]string{
		{"Дем'яненко", "Мар'яна", "м. Зразкове, вул. Соборна, 14"},
		{"Демяненко", "Марина", "м. Зразкове, вул. Соборна, 12"},
	} {
		if got := registry.AuthorKey(v[0], v[1], v[2]); got == base {
			t.Errorf("%q matches %q", v, base)
		}
	}
	if registry.AuthorKey("", "", "м. Зразкове") != "" || registry.AuthorKey("Бондар", "Ірина", " , ") != "" {
		t.Error("an author without a surname or an address has a key")
	}
}

// earlierAppeals are the appeals TestEarlierAppeals looks up: three by telephone from two namesakes at one
// address and a third in the next house, and a signed-in citizen's own.
type earlierAppeals struct {
	f          fixture
	in         registry.RegisterInput // the telephone appeals' input
	first, own *registry.Appeal
	citizen    int64
}

func registerEarlierAppeals(t *testing.T) *earlierAppeals {
	t.Helper()
	f := setup(t)
	ctx := context.Background()
	registrar := f.person(t, "registrar")
	e := &earlierAppeals{f: f, citizen: f.person(t, "citizen-with-identity")}

	in := staffInput(registrar, "phone")
	in.LastName, in.FirstName, in.Patronymic = "Дем'яненко", "Мар'яна", "Олегівна"
	in.Address = "м. Зразкове, вул. Соборна, 12"
	var err error
	if e.first, err = f.reg.RegisterAppeal(ctx, in); err != nil {
		t.Fatal(err)
	}
	in.Address = "м. Зразкове, вул. Соборна, 14" // a namesake in the next house
	if _, err := f.reg.RegisterAppeal(ctx, in); err != nil {
		t.Fatal(err)
	}
	in.Address, in.Patronymic = "м. Зразкове, вул. Соборна, 12", "Іванівна" // another Мар'яна Дем'яненко at that address
	if _, err := f.reg.RegisterAppeal(ctx, in); err != nil {
		t.Fatal(err)
	}
	e.in = in
	// The citizen's own appeal from the portal, at an address she has since left.
	portal := validInput(e.citizen)
	portal.Address = "м. Зразкове, вул. Садова, 3"
	if e.own, err = f.reg.RegisterAppeal(ctx, portal); err != nil {
		t.Fatal(err)
	}
	return e
}

func TestEarlierAppeals(t *testing.T) {
	steptest.Run(t, registerEarlierAppeals(t), []steptest.Step[*earlierAppeals]{
		{Name: "by name and address", Run: findByNameAndAddress},
		{Name: "by identity, and never an anonymous author", Run: findByIdentity},
		{Name: "appeals without a key are keyed by the upkeep step, never by a search", Run: keyEarlierAppeals},
	})
}

func findByNameAndAddress(t *testing.T, e *earlierAppeals) {
	ctx, f := context.Background(), e.f
	// Apostrophe, case and punctuation variants of the same author; no patronymic on the telephone.
	got, err := f.reg.EarlierAppeals(ctx, registry.AuthorQuery{LastName: "ДЕМʼЯНЕНКО", FirstName: "мар’яна",
		Address: "М.Зразкове вул.Соборна,12"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("want the two appeals at house 12, got %+v", got)
	}
	// With her patronymic the other Мар'яна at that address drops out.
	got, err = f.reg.EarlierAppeals(ctx, registry.AuthorQuery{LastName: "Дем’яненко", FirstName: "Мар'яна",
		Patronymic: "олегівна", Address: "м. Зразкове, вул. Соборна, 12"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].ID != e.first.ID || got[0].RegIndex != e.first.RegIndex || got[0].ByIdentity ||
		got[0].SummaryStart != e.in.Summary || got[0].Status != registry.StatusRegistered {
		t.Fatalf("by name and address: %+v", got)
	}
	// Another address is another author.
	if got, err := f.reg.EarlierAppeals(ctx, registry.AuthorQuery{LastName: "Дем'яненко", FirstName: "Мар'яна",
		Address: "м. Зразкове, вул. Соборна, 16"}); err != nil || len(got) != 0 {
		t.Fatalf("another address: %+v %v", got, err)
	}
}

func findByIdentity(t *testing.T, e *earlierAppeals) {
	ctx, f := context.Background(), e.f
	// The signed-in citizen is recognised by identity wherever she lives now.
	got, err := f.reg.EarlierAppeals(ctx, registry.AuthorQuery{PersonID: &e.citizen, LastName: "Коваленко",
		FirstName: "Олена", Address: "м. Зразкове, просп. Миру, 1"})
	if err != nil || len(got) != 1 || got[0].ID != e.own.ID || !got[0].ByIdentity {
		t.Fatalf("by identity: %+v %v", got, err)
	}
	// An anonymous author is never matched.
	if got, err := f.reg.EarlierAppeals(ctx, registry.AuthorQuery{}); err != nil || got != nil {
		t.Fatalf("nobody: %+v %v", got, err)
	}
}

// Appeals registered before the key existed are keyed by the upkeep step, never by a search.
func keyEarlierAppeals(t *testing.T, e *earlierAppeals) {
	ctx, f := context.Background(), e.f
	if err := f.db.Exec("UPDATE appeals SET author_key = ''").Error; err != nil {
		t.Fatal(err)
	}
	search := registry.AuthorQuery{LastName: "Дем'яненко", FirstName: "Мар'яна", Patronymic: "Олегівна",
		Address: "м. Зразкове, вул. Соборна, 12"}
	if got, err := f.reg.EarlierAppeals(ctx, search); err != nil || len(got) != 0 {
		t.Fatalf("a search keyed the appeals: %+v %v", got, err)
	}
	var keyed int64
	if err := f.db.Model(&registry.Appeal{}).Where("author_key <> ''").Count(&keyed).Error; err != nil || keyed != 0 {
		t.Fatalf("a search wrote %d keys (%v)", keyed, err)
	}
	if n, err := f.reg.KeyAuthors(ctx); err != nil || n != 4 {
		t.Fatalf("upkeep keyed %d appeals, want 4 (%v)", n, err)
	}
	if n, err := f.reg.KeyAuthors(ctx); err != nil || n != 0 {
		t.Fatalf("a second run keyed %d appeals again (%v)", n, err)
	}
	got, err := f.reg.EarlierAppeals(ctx, search)
	if err != nil || len(got) != 1 || got[0].ID != e.first.ID {
		t.Fatalf("after the upkeep: %+v %v", got, err)
	}
}

func TestRegisterRepeatAppeal(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	registrar := f.person(t, "registrar")
	earlier, err := f.reg.RegisterAppeal(ctx, staffInput(registrar, "mail"))
	if err != nil {
		t.Fatal(err)
	}

	in := staffInput(registrar, "phone")
	in.Sign = registry.SignRepeat
	_, err = f.reg.RegisterAppeal(ctx, in)
	if got := fieldsOf(t, err)["sign"]; got != "admin.register.error.related_required" {
		t.Fatalf("a repeat without the earlier appeal: %q", got)
	}
	missing := earlier.ID + 1000
	in.RelatedAppealID = &missing
	_, err = f.reg.RegisterAppeal(ctx, in)
	if got := fieldsOf(t, err)["sign"]; got != "admin.register.error.related_missing" {
		t.Fatalf("a repeat of a missing appeal: %q", got)
	}
	in.Sign, in.RelatedAppealID = registry.SignPrimary, &earlier.ID
	_, err = f.reg.RegisterAppeal(ctx, in)
	if got := fieldsOf(t, err)["sign"]; got != "admin.register.error.related_primary" {
		t.Fatalf("a first appeal with an earlier one: %q", got)
	}
	in.Sign = "sequel"
	if got := fieldsOf(t, f.reg.Check(in))["sign"]; got != "appeal.error.choose" {
		t.Fatalf("an unknown sign: %q", got)
	}

	in.Sign = registry.SignRepeat
	ctx = audit.WithActor(ctx, audit.Actor{PersonID: registrar, IP: "192.0.2.7"})
	a, err := f.reg.RegisterAppeal(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	stored, err := f.reg.AppealForStaff(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if stored.Sign != registry.SignRepeat || stored.RelatedAppealID == nil || *stored.RelatedAppealID != earlier.ID {
		t.Fatalf("stored sign %q related %v", stored.Sign, stored.RelatedAppealID)
	}
	if first, _ := f.reg.AppealForStaff(ctx, earlier.ID); first.Sign != registry.SignPrimary || first.RelatedAppealID != nil {
		t.Fatalf("the earlier appeal: %q %v", first.Sign, first.RelatedAppealID)
	}
	if idx, err := f.reg.RelatedIndex(ctx, earlier.ID); err != nil || idx != earlier.RegIndex {
		t.Fatalf("related index %q %v", idx, err)
	}
	lines, _, err := audit.NewService(f.db).List(ctx, audit.Filter{Action: "appeal.register", ObjectType: "appeal", ObjectID: a.ID})
	if err != nil || len(lines) != 1 || lines[0].ActorPersonID == nil || *lines[0].ActorPersonID != registrar ||
		lines[0].IP != "192.0.2.7" || lines[0].Detail != "channel=phone sign=repeat related="+strconv.FormatInt(earlier.ID, 10) {
		t.Fatalf("audit: %+v %v", lines, err)
	}
}
