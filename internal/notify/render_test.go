package notify

import (
	"encoding/json"
	"strings"
	"testing"
)

// Notices say a number with its noun in the form the plural rule picks, subjects included ("набрала 3
// підписи", not "3 підписів"), with the data as the worker has it: read back from the outbox's JSON.
func TestNoticesAgreeNumbersWithNouns(t *testing.T) {
	r, err := newRenderer()
	if err != nil {
		t.Fatal(err)
	}
	render := func(kind, lang string, data map[string]any) (subject, body string) {
		t.Helper()
		b, err := json.Marshal(data)
		if err != nil {
			t.Fatal(err)
		}
		stored := map[string]any{} // as compose reads it: numbers come back as float64
		if err := json.Unmarshal(b, &stored); err != nil {
			t.Fatal(err)
		}
		subject, text, html, err := r.render(kind, lang, stored)
		if err != nil {
			t.Fatal(err)
		}
		return subject, text + "\n" + html // the checks below hold in both bodies
	}
	petition := func(n int) map[string]any {
		return map[string]any{"Name": "Олена", "Number": 7, "Title": "Велодоріжка", "Threshold": n, "Due": "01.04.2024",
			"Link": "https://portal.example/petitions/7", "Council": "Рада", "UnsubscribeURL": ""}
	}
	for n, want := range map[int]string{1: "1 підпис", 2: "2 підписи", 3: "3 підписи", 5: "5 підписів", 11: "11 підписів",
		21: "21 підпис", 22: "22 підписи", 25: "25 підписів"} {
		subject, text := render("petition_threshold", "uk", petition(n))
		if subject != "Петиція № 7 набрала "+want || strings.Count(text, "набрала "+want+" — стільки") != 2 {
			t.Errorf("uk %d: %q\n%s", n, subject, text)
		}
		staff, _ := render("petition_threshold_staff", "uk", petition(n))
		if staff != "На розгляд: петиція № 7 набрала "+want {
			t.Errorf("uk staff %d: %q", n, staff)
		}
	}
	for n, want := range map[int]string{1: "1 signature", 2: "2 signatures", 21: "21 signatures", 25: "25 signatures"} {
		if subject, _ := render("petition_threshold", "en", petition(n)); subject != "Petition No. 7 reached "+want {
			t.Errorf("en %d: %q", n, subject)
		}
	}
	due := func(n int) map[string]any {
		return map[string]any{"Index": "К-1/24", "Days": n, "Due": "05.03.2024", "Link": "https://portal.example/admin/appeals/1",
			"Council": "Рада", "UnsubscribeURL": ""}
	}
	for n, want := range map[int]string{1: "залишився 1 день", 2: "залишилося 2 дні", 5: "залишилося 5 днів",
		11: "залишилося 11 днів", 21: "залишився 21 день", 22: "залишилося 22 дні", 25: "залишилося 25 днів"} {
		if _, text := render("appeal_due_soon", "uk", due(n)); strings.Count(text, "звернення К-1/24 "+want+" (до 05.03.2024)") != 2 {
			t.Errorf("uk due %d: %s", n, text)
		}
	}
	for n, want := range map[int]string{1: "due in 1 day,", 5: "due in 5 days,", 21: "due in 21 days,"} {
		if _, text := render("appeal_due_soon", "en", due(n)); strings.Count(text, want) != 2 {
			t.Errorf("en due %d: %s", n, text)
		}
	}
}
