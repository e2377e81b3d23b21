package i18n

import (
	"encoding/json"
	"testing"
)

// A number meets its noun in the form the language's CLDR plural rule picks: Ukrainian one (1, 21, 101),
// few (2–4, 22–24), many (0, 5–20, 25–30, 11–14), English one (1) and other; whatever type the number
// comes in (a notice's data comes back from JSON as float64).
func TestPluralForms(t *testing.T) {
	tr, err := NewTranslator()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		lang, id string
		want     map[int64]string
	}{
		{"uk", "count.days", map[int64]string{1: "1 день", 2: "2 дні", 5: "5 днів", 11: "11 днів", 21: "21 день",
			22: "22 дні", 25: "25 днів", 0: "0 днів", 14: "14 днів", 101: "101 день", 111: "111 днів"}},
		{"uk", "count.days_left", map[int64]string{1: "залишився 1 день", 2: "залишилося 2 дні", 5: "залишилося 5 днів",
			11: "залишилося 11 днів", 21: "залишився 21 день", 22: "залишилося 22 дні", 25: "залишилося 25 днів",
			59: "залишилося 59 днів"}},
		{"uk", "count.signatures", map[int64]string{1: "1 підпис", 2: "2 підписи", 3: "3 підписи", 5: "5 підписів",
			11: "11 підписів", 21: "21 підпис", 22: "22 підписи", 25: "25 підписів"}},
		{"uk", "count.appeals", map[int64]string{1: "1 звернення", 2: "2 звернення", 5: "5 звернень", 11: "11 звернень",
			21: "21 звернення", 22: "22 звернення", 25: "25 звернень", 1751: "1751 звернення", 1855: "1855 звернень"}},
		{"uk", "count.questions", map[int64]string{1: "1 питання", 2: "2 питання", 5: "5 питань", 11: "11 питань",
			21: "21 питання", 22: "22 питання", 25: "25 питань"}},
		{"uk", "admin.appeals.found", map[int64]string{1: "Знайдено 1 звернення", 5: "Знайдено 5 звернень",
			11: "Знайдено 11 звернень", 21: "Знайдено 21 звернення", 22: "Знайдено 22 звернення"}},
		{"uk", "petitions.found", map[int64]string{1: "Знайдено 1 петицію", 2: "Знайдено 2 петиції", 5: "Знайдено 5 петицій",
			11: "Знайдено 11 петицій", 21: "Знайдено 21 петицію", 22: "Знайдено 22 петиції", 25: "Знайдено 25 петицій"}},
		{"uk", "admin.dashboard.due_soon", map[int64]string{1: "Строк спливає протягом 1 дня", 2: "Строк спливає протягом 2 днів",
			5: "Строк спливає протягом 5 днів", 21: "Строк спливає протягом 21 дня"}},
		{"en", "count.days", map[int64]string{1: "1 day", 2: "2 days", 5: "5 days", 11: "11 days", 21: "21 days",
			22: "22 days", 25: "25 days", 0: "0 days"}},
		{"en", "count.days_left", map[int64]string{1: "1 day left", 2: "2 days left", 21: "21 days left"}},
		{"en", "count.signatures", map[int64]string{1: "1 signature", 2: "2 signatures", 5: "5 signatures",
			11: "11 signatures", 21: "21 signatures", 22: "22 signatures", 25: "25 signatures"}},
		{"en", "admin.appeals.found", map[int64]string{1: "1 appeal found", 2: "2 appeals found", 21: "21 appeals found"}},
	}
	for _, c := range cases {
		l := tr.For(c.lang)
		for n, want := range c.want {
			if got := l.N(c.id, n); got != want {
				t.Errorf("%s %s(%d) = %q, want %q", c.lang, c.id, n, got, want)
			}
		}
	}
	uk := tr.For("uk")
	var fromJSON map[string]any
	if err := json.Unmarshal([]byte(`{"Threshold": 22}`), &fromJSON); err != nil {
		t.Fatal(err)
	}
	for _, n := range []any{22, int64(22), int32(22), "22", fromJSON["Threshold"], json.Number("22"), float32(22)} {
		if got := uk.N("count.signatures", n); got != "22 підписи" {
			t.Errorf("count.signatures(%T %v) = %q", n, n, got)
		}
	}
	if got := uk.N("count.days", 1.5); got != "1.5 дня" {
		t.Errorf("a fraction takes the other form: %q", got)
	}
	if got := uk.N("petition.count", 3, "Needed", uk.N("petition.count.needed", 21)); got != "Зібрано 3 підписи з 21 необхідного" {
		t.Errorf("two counts in a sentence: %q", got)
	}
	if got := tr.For("en").N("appeal.hint.attachments", 1, "MB", 10); got != "PDF, JPEG or PNG; up to 1 file of up to 10 MB." {
		t.Errorf("en attachments hint: %q", got)
	}
	if got := uk.N("no.such.message", 2); got != "no.such.message" {
		t.Errorf("a missing message shows its id: %q", got)
	}
}
