package registry_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hromada/hromada/internal/registry"
)

// An imported appeal gets every column derived from its content exactly as one registered by staff with
// the same content: the author's key (the import once left it empty for a search to fill), the search
// text, the priority mark, the document kind and the due date.
func TestImportAndRegistrationDeriveTheSameColumns(t *testing.T) {
	f := importSetup(t)
	row := with(goodRow(), "reg_number", "ВХ-7", "status", "", "result", "", "answered_at", "", "department", "")
	if _, err := f.run(t, csvOf(nil, ",", row)); err != nil {
		t.Fatal(err)
	}
	var imported registry.Appeal
	if err := f.db.Where("reg_index = ?", "ВХ-7").Take(&imported).Error; err != nil {
		t.Fatal(err)
	}
	in := registry.RegisterInput{Channel: "gov_hotline", ExternalRef: "1545-100", Type: "complaint",
		LastName: "Коваленко", FirstName: "Олена", Patronymic: "Петрівна", Address: "м. Зразкове, вул. Соборна, 1",
		Email: "olena@example.org", Phone: "+380 (50) 123-45-67", Gender: "female", Categories: []string{"idp"},
		SocialStatus: "pensioner", Questions: []registry.QuestionInput{{SubjectCode: "09"}, {SubjectCode: "10"}},
		Summary: "Немає гарячої води", ReceivedAt: time.Date(2024, 3, 4, 0, 0, 0, 0, f.kyiv)}
	registered, err := f.reg.RegisterAppeal(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	want := registry.AuthorKey("Коваленко", "Олена", "м. Зразкове, вул. Соборна, 1")
	if imported.AuthorKey != want || registered.AuthorKey != want {
		t.Errorf("author key: imported %q, registered %q, want %q", imported.AuthorKey, registered.AuthorKey, want)
	}
	if got, other := strings.TrimPrefix(imported.SearchText, "вх-7 "), strings.TrimPrefix(registered.SearchText,
		strings.ToLower(registered.RegIndex)+" "); got != other || got == imported.SearchText {
		t.Errorf("search text: imported %q, registered %q", imported.SearchText, registered.SearchText)
	}
	if !imported.Priority || !registered.Priority || imported.DocumentKind != registry.DocOral ||
		registered.DocumentKind != registry.DocOral || !imported.DueDate.Equal(registered.DueDate) {
		t.Errorf("imported %+v\nregistered %+v", imported, registered)
	}
	// The search for earlier appeals finds the imported one at once, with nothing to fill in first.
	earlier, err := f.reg.EarlierAppeals(context.Background(), registry.AuthorQuery{LastName: "Коваленко",
		FirstName: "Олена", Address: "м. Зразкове, вул. Соборна, 1"})
	if err != nil || len(earlier) != 2 {
		t.Fatalf("earlier appeals: %+v %v", earlier, err)
	}
}

// Every save of the workflow derives the columns again, so a card saved by a step never keeps a stale
// (here: lost) key or search text.
func TestWorkflowSavesDeriveTheColumns(t *testing.T) {
	c := setupCouncil(t)
	a := c.phoneAppeal(t, time.Now())
	if err := c.db.Exec("UPDATE appeals SET author_key = '', search_text = '' WHERE id = ?", a.ID).Error; err != nil {
		t.Fatal(err)
	}
	if err := c.reg.Assign(as(c.head), a.ID, registry.AssignInput{Resolution: "Розглянути", DepartmentID: c.housing}); err != nil {
		t.Fatal(err)
	}
	card := c.card(t, a.ID)
	if card.AuthorKey != registry.AuthorKey("Шевчук", "Іван", "м. Зразкове, вул. Садова, 3") ||
		!strings.HasPrefix(card.SearchText, strings.ToLower(a.RegIndex)+" шевчук іван") {
		t.Fatalf("after a step: key %q, search text %q", card.AuthorKey, card.SearchText)
	}
}
