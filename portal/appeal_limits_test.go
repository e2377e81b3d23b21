package portal_test

import (
	"html"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/hromada/hromada/internal/apptest"
)

// Filing e-appeals is limited per account and per address. Only filings that pass the content checks
// count; one over the limit gets 429 with Retry-After, a message, and the form with what was typed.
func TestFilingAppealsIsRateLimited(t *testing.T) {
	s := apptest.Start(t, map[string]string{"HROMADA_LIMIT_APPEAL": "2/24h", "HROMADA_LIMIT_APPEAL_IP": "4/1h"})
	c := apptest.Browser(t)
	s.SignIn(t, c, olena)
	file := func(c *http.Client, fields map[string]string) apptest.Response {
		t.Helper()
		v := goodAppeal(apptest.CSRF(t, apptest.Get(t, c, s.Path("/appeals/new")).Body))
		for k, val := range fields {
			v.Set(k, val)
		}
		return postAppeal(t, s, c, v, nil)
	}

	// A refused form and the "add a question" button are no filings: they do not count.
	if r := file(c, map[string]string{"summary": ""}); r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("a form without the text: want 422, got %d", r.Status)
	}
	if r := file(c, map[string]string{"action": "add_question"}); r.Status != http.StatusOK {
		t.Fatalf("adding a question: want 200, got %d", r.Status)
	}
	for i := range 2 {
		if r := file(c, nil); r.Status != http.StatusSeeOther || appealLink.FindStringSubmatch(r.Location) == nil {
			t.Fatalf("filing %d of 2: want 303 to the appeal, got %d\n%.2000s", i+1, r.Status, r.Body)
		}
	}
	typed := "Ліхтарі на вулиці Шкільній не світять уже місяць, увечері там небезпечно ходити."
	r := file(c, map[string]string{"summary": typed})
	if r.Status != http.StatusTooManyRequests {
		t.Fatalf("the third filing in a day: want 429, got %d\n%.2000s", r.Status, r.Body)
	}
	if secs, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || secs < 1 || secs > 24*3600 {
		t.Errorf("Retry-After: %q", r.Header.Get("Retry-After"))
	}
	body := html.UnescapeString(r.Body)
	// The check page comes back with the draft kept, to send later.
	for _, want := range []string{"Ви подали забагато звернень", "надішліть її знову приблизно через", typed,
		"м. Зразкове, вул. Соборна, буд. 12, кв. 5", `action="/appeals/send"`, `name="_csrf"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the refused send lacks %q", want)
		}
	}
	if list := apptest.Get(t, c, s.Path("/appeals")); strings.Count(list.Body, `href="/appeals/`) != 2+strings.Count(list.Body, `href="/appeals/new"`) {
		t.Errorf("the refused filing was registered:\n%.3000s", list.Body)
	}

	// The limit is per account: another citizen on the same address may file; in English the message is
	// English.
	other := apptest.Browser(t)
	s.SignIn(t, other, andrii)
	apptest.Get(t, other, s.Path("/lang/en"))
	if r := file(other, nil); r.Status != http.StatusSeeOther {
		t.Fatalf("another account on the same address: want 303, got %d\n%.2000s", r.Status, r.Body)
	}
	// The address has had three filings and one refusal, which counts for it too: the address's limit (4 an
	// hour) now refuses every account behind it.
	r = file(other, nil)
	if r.Status != http.StatusTooManyRequests || !strings.Contains(html.UnescapeString(r.Body), "You have filed too many appeals") ||
		r.Header.Get("Retry-After") == "" {
		t.Fatalf("over the address's limit: want 429 in English, got %d %v\n%.2000s", r.Status, r.Header, r.Body)
	}
}
