package registry_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/hromada/hromada/internal/audit"
	"github.com/hromada/hromada/internal/classifier"
	"github.com/hromada/hromada/internal/errs"
	"github.com/hromada/hromada/internal/identity"
	"github.com/hromada/hromada/internal/petition"
	"github.com/hromada/hromada/internal/registry"
	"github.com/hromada/hromada/internal/settlement"
)

// places are the community's settlements in the registry's tests.
type places struct {
	city, village, town, closed int64
}

// addPlaces adds the city, a village in a starosta district, a town, and a village made inactive.
func addPlaces(t *testing.T, db *gorm.DB) places {
	t.Helper()
	clf, err := classifier.Load()
	if err != nil {
		t.Fatal(err)
	}
	svc := settlement.NewService(db, clf.SettlementKinds)
	ctx := context.Background()
	var p places
	for _, s := range []struct {
		id *int64
		in settlement.Input
	}{
		{&p.city, settlement.Input{NameUK: "Зразкове", Kind: "city"}},
		{&p.village, settlement.Input{NameUK: "Зелене", Kind: "village", District: "Зеленівський старостинський округ"}},
		{&p.town, settlement.Input{NameUK: "Лісове", Kind: "town"}},
		{&p.closed, settlement.Input{NameUK: "Старе", Kind: "village"}},
	} {
		st, err := svc.Create(ctx, s.in)
		if err != nil {
			t.Fatal(err)
		}
		*s.id = st.ID
	}
	if err := svc.SetActive(ctx, p.closed, false); err != nil {
		t.Fatal(err)
	}
	return p
}

// citizen signs a citizen in and returns their id.
func (c *council) citizen(t *testing.T, sub, taxID string) int64 {
	t.Helper()
	p, err := c.people.SignIn(context.Background(), identity.Claims{Issuer: "https://idp.test", Subject: sub,
		TaxID: taxID, LastName: "Коваленко", GivenName: "Олена"})
	if err != nil {
		t.Fatal(err)
	}
	return p.ID
}

func settlementOf(t *testing.T, db *gorm.DB, appealID int64) int64 {
	t.Helper()
	var a registry.Appeal
	if err := db.Select("settlement_id").Take(&a, appealID).Error; err != nil {
		t.Fatal(err)
	}
	if a.SettlementID == nil {
		return 0
	}
	return *a.SettlementID
}

// Every way in finds the author's settlement in the address at registration: the portal, the registrar's
// form (whose explicit choice wins over the address), a petition's appeal (the address its author's
// identity provider gave). An address naming none stays undetermined; an inactive settlement is neither
// found nor accepted as a choice; later saves keep what registration found.
func TestRegistrationFindsTheSettlement(t *testing.T) {
	c := setupCouncil(t)
	p := addPlaces(t, c.db)
	ctx := context.Background()

	portal := validInput(c.citizen(t, "citizen-zelene", "3000000101"))
	portal.Address = "С.ЗЕЛЕНЕ, вул. Садова, 3"
	a, err := c.reg.RegisterAppeal(ctx, portal)
	if err != nil {
		t.Fatal(err)
	}
	if a.SettlementID == nil || *a.SettlementID != p.village || settlementOf(t, c.db, a.ID) != p.village {
		t.Fatalf("portal appeal from the village: %v", a.SettlementID)
	}

	phone := staffInput(c.registrar, "phone")
	phone.Address = "вул. Соборна, 1"
	b, err := c.reg.RegisterAppeal(as(c.registrar), phone)
	if err != nil {
		t.Fatal(err)
	}
	if settlementOf(t, c.db, b.ID) != 0 {
		t.Fatal("an address naming no settlement: undetermined, not guessed")
	}

	chosen := staffInput(c.registrar, "mail")
	chosen.Address, chosen.SettlementID = "с. Зелене", &p.town
	d, err := c.reg.RegisterAppeal(as(c.registrar), chosen)
	if err != nil {
		t.Fatal(err)
	}
	if settlementOf(t, c.db, d.ID) != p.town {
		t.Fatal("the registrar's choice wins over the address")
	}

	closed := staffInput(c.registrar, "mail")
	closed.SettlementID = &p.closed
	_, err = c.reg.RegisterAppeal(as(c.registrar), closed)
	if got := fieldsOf(t, err)["settlement"]; got != "settlement.error.choose" {
		t.Fatalf("an inactive settlement chosen: %q", got)
	}
	closed.SettlementID, closed.Address = nil, "с. Старе, вул. Лугова, 1"
	e, err := c.reg.RegisterAppeal(as(c.registrar), closed)
	if err != nil || settlementOf(t, c.db, e.ID) != 0 {
		t.Fatalf("an inactive settlement is not found in the address: %v", err)
	}

	// A petition's appeal carries its author's address from the identity provider, and the settlement in it.
	author, err := c.people.SignIn(ctx, identity.Claims{Issuer: "i", Subject: "petitioner", TaxID: "3000000099",
		LastName: "Мельник", GivenName: "Андрій", Address: "м. Зразкове, просп. Миру, 7"})
	if err != nil {
		t.Fatal(err)
	}
	var pid int64
	err = c.db.Transaction(func(tx *gorm.DB) error {
		pid, err = c.reg.RegisterPetitionAppeal(ctx, tx, petition.PetitionAppeal{AuthorPersonID: author.ID,
			AuthorName: "Мельник Андрій Олегович", Title: "Велодоріжка", Text: "Облаштувати велодоріжку.",
			SubjectCode: "03", Signers: 12, ReceivedAt: time.Now()})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	card := c.card(t, pid)
	if card.AuthorAddress != "м. Зразкове, просп. Миру, 7" || card.SettlementID == nil || *card.SettlementID != p.city {
		t.Fatalf("petition's appeal: address %q, settlement %v", card.AuthorAddress, card.SettlementID)
	}

	// A step saves the card: the settlement found at registration stays, even when the list has changed.
	if err := c.db.Exec("UPDATE appeals SET author_address = ? WHERE id = ?", "смт Лісове", a.ID).Error; err != nil {
		t.Fatal(err)
	}
	if err := c.reg.Assign(as(c.head), a.ID, registry.AssignInput{Resolution: "Розглянути", DepartmentID: c.housing}); err != nil {
		t.Fatal(err)
	}
	if settlementOf(t, c.db, a.ID) != p.village {
		t.Fatal("a workflow save kept the settlement")
	}
}

// The registrar corrects the settlement on the card: a step of its own (registrars and admins, any
// state), one transaction with its timeline event and audit line; the same settlement again or an
// inactive one is refused; the author's page does not show the office's correction.
func TestRegistrarCorrectsTheSettlement(t *testing.T) {
	c := setupCouncil(t)
	p := addPlaces(t, c.db)
	citizen := c.citizen(t, "citizen-settlement", "3000000102")
	in := validInput(citizen)
	in.Address = "с. Зелене, вул. Садова, 3"
	a, err := c.reg.RegisterAppeal(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}

	if err := c.reg.SetSettlement(as(c.head), a.ID, &p.town); errs.CodeOf(err) != errs.Forbidden {
		t.Fatalf("a head corrects the settlement: %v", err)
	}
	if err := c.reg.SetSettlement(as(c.registrar), a.ID, &p.village); fieldsOf(t, err)["settlement"] != "settlement.error.unchanged" {
		t.Fatalf("the same settlement again: %v", err)
	}
	if err := c.reg.SetSettlement(as(c.registrar), a.ID, &p.closed); fieldsOf(t, err)["settlement"] != "settlement.error.choose" {
		t.Fatalf("an inactive settlement: %v", err)
	}
	if err := c.reg.SetSettlement(as(c.registrar), a.ID, &p.town); err != nil {
		t.Fatal(err)
	}
	if err := c.reg.SetSettlement(as(c.registrar), a.ID, nil); err != nil {
		t.Fatal(err)
	}
	if settlementOf(t, c.db, a.ID) != 0 {
		t.Fatal("cleared: undetermined")
	}
	// Closed appeals are counted in reports too: the correction stays open after the answer.
	if err := c.reg.LeaveWithoutConsideration(as(c.head), a.ID, "anonymous", ""); err != nil {
		t.Fatal(err)
	}
	if err := c.reg.SetSettlement(as(c.registrar), a.ID, &p.city); err != nil {
		t.Fatalf("a closed appeal's settlement: %v", err)
	}

	card := c.card(t, a.ID)
	var notes []string
	for _, e := range card.Events {
		if e.Kind == registry.EventSettlement {
			notes = append(notes, e.Note)
			if e.ActorPersonID == nil || *e.ActorPersonID != c.registrar {
				t.Errorf("the event's actor: %v", e.ActorPersonID)
			}
		}
	}
	want := "Зелене (Зеленівський старостинський округ) → Лісове | Лісове → не визначено | не визначено → Зразкове"
	if got := strings.Join(notes, " | "); got != want {
		t.Errorf("timeline: %s, want %s", got, want)
	}
	var audited int64
	if err := c.db.Model(&audit.Entry{}).Where("action = ? AND object_id = ?", "appeal.settlement", a.ID).Count(&audited).Error; err != nil {
		t.Fatal(err)
	}
	if audited != 3 {
		t.Errorf("audit lines: %d, want 3", audited)
	}
	mine, err := c.reg.AppealOfPerson(context.Background(), citizen, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range mine.Events {
		if e.Kind == registry.EventSettlement {
			t.Error("the author's page shows the office's correction")
		}
	}
}

// The staff registry narrows by settlement, and finds the appeals whose settlement is not determined.
func TestListForStaffBySettlement(t *testing.T) {
	c := setupCouncil(t)
	p := addPlaces(t, c.db)
	register := func(address string) string {
		in := staffInput(c.registrar, "mail")
		in.Address = address
		a, err := c.reg.RegisterAppeal(as(c.registrar), in)
		if err != nil {
			t.Fatal(err)
		}
		return a.RegIndex
	}
	village1, village2 := register("с. Зелене, 1"), register("село Зелене, 2")
	city, none := register("м. Зразкове, 3"), register("вул. Польова, 4")
	list := func(f registry.Filter) string {
		t.Helper()
		f.Sort = registry.SortReceivedAsc
		rows, total, err := c.reg.ListForStaff(context.Background(), f)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, a := range rows {
			got = append(got, a.RegIndex)
		}
		if int(total) != len(got) {
			t.Fatalf("total %d for %v", total, got)
		}
		return strings.Join(got, " ")
	}
	if got := list(registry.Filter{SettlementID: p.village}); got != village1+" "+village2 {
		t.Errorf("the village's appeals: %s", got)
	}
	if got := list(registry.Filter{SettlementID: p.city}); got != city {
		t.Errorf("the city's appeals: %s", got)
	}
	if got := list(registry.Filter{NoSettlement: true}); got != none {
		t.Errorf("undetermined: %s", got)
	}
	if got := list(registry.Filter{SettlementID: p.town}); got != "" {
		t.Errorf("the town has none: %s", got)
	}
	if s := (registry.Filter{SettlementID: p.city, NoSettlement: true}).String(); !strings.Contains(s, "settlement=") {
		t.Errorf("the audit names the filter: %s", s)
	}
}

// The import reads a settlement column: a name as people write it names the settlement (over the
// address); an empty cell, or a file without the column, leaves it to the address; a name the community's
// active list does not hold refuses the row, under its column.
func TestImportReadsTheSettlement(t *testing.T) {
	f := importSetup(t)
	p := addPlaces(t, f.db)
	named := with(goodRow(), "reg_number", "ВХ-1", "settlement", "с. Зелене", "author_address", "м. Зразкове, вул. Соборна, 1")
	byAddress := with(goodRow(), "reg_number", "ВХ-2", "settlement", "", "author_address", "смт Лісове, вул. Лісна, 2")
	none := with(goodRow(), "reg_number", "ВХ-3", "settlement", "", "author_address", "вул. Польова, 4")
	if _, err := f.run(t, csvOf(nil, ";", named, byAddress, none)); err != nil {
		t.Fatal(err)
	}
	withoutColumn := slices.DeleteFunc(slices.Clone(registry.ImportColumns), func(c string) bool { return c == "settlement" })
	if _, err := f.run(t, csvOf(withoutColumn, ",", with(goodRow(), "reg_number", "ВХ-4", "author_address", "м. Зразкове, 5"))); err != nil {
		t.Fatal(err)
	}
	for number, want := range map[string]int64{"ВХ-1": p.village, "ВХ-2": p.town, "ВХ-3": 0, "ВХ-4": p.city} {
		var a registry.Appeal
		if err := f.db.Where("reg_index = ?", number).Take(&a).Error; err != nil {
			t.Fatal(err)
		}
		if got := settlementOf(t, f.db, a.ID); got != want {
			t.Errorf("%s: settlement %d, want %d", number, got, want)
		}
	}

	_, err := f.run(t, csvOf(nil, ",", with(goodRow(), "reg_number", "ВХ-5", "settlement", "Старе"),
		with(goodRow(), "reg_number", "ВХ-6", "settlement", "Нове")))
	var refused *registry.ImportError
	if !errors.As(err, &refused) || len(refused.Problems) != 2 {
		t.Fatalf("unknown and inactive settlements: %v", err)
	}
	for i, pr := range refused.Problems {
		if pr.Line != i+2 || pr.Column != "settlement" || pr.Message != "import.error.unknown_settlement" {
			t.Errorf("problem %+v", pr)
		}
	}
}
