package admin_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	nethtml "golang.org/x/net/html"

	"github.com/hromada/hromada/internal/apptest"
	"github.com/hromada/hromada/internal/registry"
)

// TestJournalLayout: the search has focus, the other filters are folded, the first result is within 5 tab
// stops of the search field, the default order is marked on its column, and the views are offered with
// "Усі" current.
func TestJournalLayout(t *testing.T) {
	s, _, registrar, _ := staffServer(t)
	page := apptest.Get(t, registrar, s.Path("/admin/appeals"))
	if page.Status != http.StatusOK {
		t.Fatalf("journal: %d", page.Status)
	}
	for _, want := range []string{
		`id="f-q" name="q" value="" autofocus`,
		`<details class="more-filters">`, `<summary>Більше фільтрів</summary>`,
		`<th scope="col" aria-sort="descending"><a href="/admin/appeals?sort=received_asc">Індекс, дата`,
		`<th scope="col"><a href="/admin/appeals?sort=due_asc">Строк`,
		`<a href="/admin/appeals" aria-current="page">Усі</a>`,
		`<a href="/admin/appeals?overdue=1&amp;sort=due_asc">Прострочені</a>`,
		`<a href="/admin/appeals?due_within=5&amp;sort=due_asc">Строк спливає ≤ 5 днів</a>`,
		`<a href="/admin/appeals?status=registered">Без резолюції</a>`,
		`<a href="/admin/appeals?status=awaiting_approval">На затвердженні</a>`,
		"Знайдено 3 звернення", "Головний виконавець", "Резолюцію не накладено",
	} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("the journal lacks %s", want)
		}
	}
	if strings.Contains(page.Body, `class="chips"`) {
		t.Error("chips shown with no filter set")
	}
	if n := tabStopsToFirstResult(t, page.Body); n > 5 {
		t.Errorf("the first result is %d tab stops after the search field, want at most 5", n)
	}
}

// tabStopsToFirstResult counts the tab stops from the search field to the first appeal's link, in document
// order: links, buttons, fields, a details' summary (not what a closed details folds), tabindex ≥ 0.
func tabStopsToFirstResult(t *testing.T, body string) int {
	t.Helper()
	doc, err := nethtml.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	result := regexp.MustCompile(`^/admin/appeals/\d+$`)
	started, n := false, 0
	var walk func(*nethtml.Node, bool) bool
	walk = func(node *nethtml.Node, folded bool) bool {
		if node.Type == nethtml.ElementNode {
			attr := map[string]string{}
			for _, a := range node.Attr {
				attr[a.Key] = a.Val
			}
			if started && !folded && focusable(node.Data, attr) {
				n++
				if node.Data == "a" && result.MatchString(attr["href"]) {
					return true
				}
			}
			if attr["id"] == "f-q" {
				started = true
			}
			if node.Data == "details" {
				_, open := attr["open"]
				for c := node.FirstChild; c != nil; c = c.NextSibling {
					if walk(c, folded || !open && !(c.Type == nethtml.ElementNode && c.Data == "summary")) {
						return true
					}
				}
				return false
			}
		}
		for c := node.FirstChild; c != nil; c = c.NextSibling {
			if walk(c, folded) {
				return true
			}
		}
		return false
	}
	if !walk(doc, false) {
		t.Fatal("no search field or no result link")
	}
	return n
}

func focusable(tag string, attr map[string]string) bool {
	if ti, ok := attr["tabindex"]; ok {
		return !strings.HasPrefix(ti, "-")
	}
	switch tag {
	case "a":
		_, ok := attr["href"]
		return ok
	case "input":
		return attr["type"] != "hidden"
	case "button", "select", "textarea", "summary":
		return true
	}
	return false
}

// TestJournalFiltersChipsAndSort: every active filter is a chip whose link drops it and whose name says
// so; a refused value opens the folded filters with the error beside its field and in a summary; column
// headers sort both ways with aria-sort.
func TestJournalFiltersChipsAndSort(t *testing.T) {
	s, _, registrar, _ := staffServer(t)
	page := apptest.Get(t, registrar, s.Path("/admin/appeals?channel=phone&priority=1&q=коваленко&sort=due_asc"))
	if page.Status != http.StatusOK {
		t.Fatalf("%d", page.Status)
	}
	for _, want := range []string{
		`<a class="chip" href="/admin/appeals?priority=1&amp;q=%D0%BA%D0%BE%D0%B2%D0%B0%D0%BB%D0%B5%D0%BD%D0%BA%D0%BE&amp;sort=due_asc"><span class="visually-hidden">Прибрати фільтр </span>Канал надходження: Телефонна лінія ради <span`,
		`<a class="chip" href="/admin/appeals?channel=phone&amp;q=%D0%BA%D0%BE%D0%B2%D0%B0%D0%BB%D0%B5%D0%BD%D0%BA%D0%BE&amp;sort=due_asc"><span class="visually-hidden">Прибрати фільтр </span>Лише першочергові <span`,
		`<span class="visually-hidden">Прибрати фільтр </span>Пошук: коваленко`,
		`<input type="hidden" name="sort" value="due_asc">`,
		`<details class="more-filters">`, "Знайдено 0 звернень",
	} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("lacks %s", want)
		}
	}
	page = apptest.Get(t, registrar, s.Path("/admin/appeals?channel=phone&sort=due_asc"))
	for _, want := range []string{
		`<th scope="col" aria-sort="ascending"><a href="/admin/appeals?channel=phone&amp;sort=due_desc">Строк`,
		// The index column's header is not sorted now: its link gives the default order, newest first.
		`<th scope="col"><a href="/admin/appeals?channel=phone">Індекс, дата`, "Знайдено 2 звернення",
	} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("sorted by the term: lacks %s", want)
		}
	}

	page = apptest.Get(t, registrar, s.Path("/admin/appeals?sort=due_desc&from=2020-13-01"))
	if page.Status != http.StatusBadRequest {
		t.Fatalf("a wrong date: %d", page.Status)
	}
	for _, want := range []string{`<details class="more-filters" open>`, `<a href="#f-from">Вкажіть дату як ДД.ММ.РРРР, наприклад 30.11.2026.</a>`,
		`id="f-from-error"`, `<th scope="col" aria-sort="descending"><a href="/admin/appeals?sort=due_asc">Строк`} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("a refused filter: lacks %s", want)
		}
	}
	// The refused date is shown to be corrected but never carried on by the links.
	if strings.Contains(page.Body, "from=2020-13-01") {
		t.Error("a link repeats the refused date")
	}
}

// TestJournalDeadlines: the term in words, with the icon and the class, by the registry's clock.
func TestJournalDeadlines(t *testing.T) {
	s, _, registrar, _ := staffServer(t)
	ctx := context.Background()
	today := s.App.Registry.Today()
	set := func(last string, cols map[string]any) {
		if err := s.App.DB.Model(&registry.Appeal{}).Where("author_last_name = ?", last).Updates(cols).Error; err != nil {
			t.Fatal(err)
		}
	}
	set("Коваленко", map[string]any{"due_date": today.AddDate(0, 0, -2)})
	set("=Злам", map[string]any{"due_date": today})
	set("Бондар", map[string]any{"due_date": today.AddDate(0, 0, 3)})
	for _, in := range []registry.RegisterInput{
		{Channel: "mail", Nature: registry.NatureAnonymous, Type: "complaint", Summary: "Анонімний лист про шум уночі.",
			Questions: []registry.QuestionInput{{SubjectCode: "12", Text: "Шум"}}},
		{Channel: "phone", LastName: "Мельник", FirstName: "Ігор", Address: "м. Зразкове", Type: "proposal",
			Summary: "Пропоную лавки.", Questions: []registry.QuestionInput{{SubjectCode: "09", Text: "Лавки"}}},
		{Channel: "phone", LastName: "Ткач", FirstName: "Ігор", Address: "м. Зразкове", Type: "proposal",
			Summary: "Пропоную клумби.", Questions: []registry.QuestionInput{{SubjectCode: "09", Text: "Клумби"}}},
	} {
		if _, err := s.App.Registry.RegisterAppeal(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	answered := time.Date(2025, 3, 12, 10, 0, 0, 0, time.UTC)
	set("Мельник", map[string]any{"status": registry.StatusAnswered, "answered_at": answered})
	set("Ткач", map[string]any{"due_date": today.AddDate(0, 0, 21)})

	page := apptest.Get(t, registrar, s.Path("/admin/appeals"))
	for _, want := range []string{
		`class="due due-overdue"><span aria-hidden="true">⚠ </span>прострочено на 2 дні<span class="sub">до ` + today.AddDate(0, 0, -2).Format("02.01.2006"),
		`class="due due-today"><span aria-hidden="true">⚠ </span>спливає сьогодні`,
		`class="due due-soon"><span aria-hidden="true">⏳ </span>залишилось 3 дні`,
		`class="due due-left">залишився 21 день`,
		`class="due due-closed"><span aria-hidden="true">✓ </span>знято з контролю 12.03.2025`,
		`class="due due-uncontrolled">не контролюється (анонімне)`,
		"Анонімне",
	} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("lacks %s", want)
		}
	}
	page = apptest.Get(t, registrar, s.Path("/admin/appeals?overdue=1&sort=due_asc"))
	if !strings.Contains(page.Body, `<a href="/admin/appeals?overdue=1&amp;sort=due_asc" aria-current="page">Прострочені</a>`) ||
		!strings.Contains(page.Body, "Коваленко") || strings.Contains(page.Body, "Бондар Олена") {
		t.Error("the overdue view is not current or shows other appeals")
	}
	en := apptest.Get(t, registrar, s.Path("/lang/en?next=/admin/appeals"))
	en = apptest.Get(t, registrar, s.Path("/admin/appeals"))
	for _, want := range []string{"2 days overdue", "due today", "3 days left", "21 days left", "More filters"} {
		if !strings.Contains(en.Body, want) {
			t.Errorf("in English, lacks %s", want)
		}
	}
}

// TestJournalSavedViews: a filter saved under a name in its normal form, listed and opened as a view; only
// its owner sees or deletes it (another's is 404); a name that is empty, not text or too long, and a filter
// with an error, are refused beside the field; markup in a name is shown as text.
func TestJournalSavedViews(t *testing.T) {
	s, _, registrar, admin := staffServer(t)
	page := apptest.Get(t, registrar, s.Path("/admin/appeals?channel=phone&sort=due_asc"))
	if !strings.Contains(page.Body, `name="query" value="channel=phone&amp;sort=due_asc"`) {
		t.Fatal("the save form does not carry the current filter")
	}
	token := apptest.CSRF(t, page.Body)
	save := func(c *http.Client, tok, name, query string) apptest.Response {
		return apptest.PostForm(t, c, s.Path("/admin/appeals/views"), url.Values{"_csrf": {tok}, "name": {name}, "query": {query}})
	}
	r := save(registrar, token, "  Мої   телефонні <script>x</script> ", "sort=due_asc&channel=phone&cursor=abc&bogus=1&page=9")
	if r.Status != http.StatusSeeOther || r.Location != "/admin/appeals?channel=phone&sort=due_asc" {
		t.Fatalf("save: %d %q", r.Status, r.Location)
	}
	page = apptest.Get(t, registrar, s.Path("/admin/appeals?channel=phone&sort=due_asc"))
	name := html.EscapeString("Мої телефонні <script>x</script>")
	if !strings.Contains(page.Body, "Фільтр збережено.") || strings.Contains(page.Body, "<script>x") ||
		!strings.Contains(page.Body, `<a href="/admin/appeals?channel=phone&amp;sort=due_asc" aria-current="page"><span class="visually-hidden">Збережений фільтр: </span>`+name+`</a>`) {
		t.Fatalf("the saved view is not listed as current:\n%.6000s", page.Body)
	}
	id := regexp.MustCompile(`action="/admin/appeals/views/(\d+)/delete"`).FindStringSubmatch(page.Body)
	if id == nil {
		t.Fatal("no delete button")
	}
	// The same name again replaces the filter.
	if r := save(registrar, token, "Мої телефонні <script>x</script>", "status=registered"); r.Status != http.StatusSeeOther {
		t.Fatalf("save again: %d", r.Status)
	}
	page = apptest.Get(t, registrar, s.Path("/admin/appeals"))
	if strings.Count(page.Body, "?channel=phone&amp;sort=due_asc") != 0 || !strings.Contains(page.Body, `<a href="/admin/appeals?status=registered"><span class="visually-hidden">Збережений фільтр: </span>`) {
		t.Fatal("saving under the same name did not replace the filter")
	}

	// Someone else neither sees nor deletes it.
	other := apptest.Get(t, admin, s.Path("/admin/appeals"))
	if strings.Contains(other.Body, name) {
		t.Fatal("another person sees the saved view")
	}
	if r := apptest.PostForm(t, admin, s.Path("/admin/appeals/views/"+id[1]+"/delete"),
		url.Values{"_csrf": {apptest.CSRF(t, other.Body)}}); r.Status != http.StatusNotFound {
		t.Fatalf("another's view deleted: %d", r.Status)
	}

	for _, tc := range []struct{ name, query, want string }{
		{"", "channel=phone", "Вкажіть назву фільтра."},
		{"   ", "channel=phone", "Вкажіть назву фільтра."},
		{"a\x00b", "channel=phone", `id="f-view-name-error"`},
		{strings.Repeat("я", 81), "channel=phone", `id="f-view-name-error"`},
		{"Помилка", "from=2020-13-01", "Фільтр містить помилки."},
		{"Помилка", "channel=%FF", "Фільтр містить помилки."},
	} {
		r := save(registrar, token, tc.name, tc.query)
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, tc.want) || !strings.Contains(r.Body, `href="#f-view-name"`) {
			t.Errorf("save %q %q: %d, want 422 with %s", tc.name, tc.query, r.Status, tc.want)
		}
	}
	if r := save(registrar, token, "x", "%zz"); r.Status != http.StatusBadRequest {
		t.Errorf("a query that is not a query: %d", r.Status)
	}

	r = apptest.PostForm(t, registrar, s.Path("/admin/appeals/views/"+id[1]+"/delete"), url.Values{"_csrf": {token}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("delete: %d", r.Status)
	}
	if page := apptest.Get(t, registrar, s.Path("/admin/appeals")); strings.Contains(page.Body, name) || !strings.Contains(page.Body, "Фільтр видалено.") {
		t.Fatal("the deleted view is still listed")
	}
	if r := apptest.PostForm(t, registrar, s.Path("/admin/appeals/views/"+id[1]+"/delete"), url.Values{"_csrf": {token}}); r.Status != http.StatusNotFound {
		t.Fatalf("delete twice: %d", r.Status)
	}
}

// TestJournalPagesByLink follows the journal's next and previous links: no appeal twice, none left out.
func TestJournalPagesByLink(t *testing.T) {
	s, _, registrar, _ := staffServer(t)
	ctx := context.Background()
	same := time.Now().Add(-time.Hour) // equal received times: the order's ties
	for i := range 52 {
		if _, err := s.App.Registry.RegisterAppeal(ctx, registry.RegisterInput{Channel: "phone", LastName: "Дзвінок",
			FirstName: "Іван", Address: "м. Зразкове", Type: "proposal", Summary: "Дзвінок на гарячу лінію.", ReceivedAt: same,
			Questions: []registry.QuestionInput{{SubjectCode: "09", Text: "Питання"}}}); err != nil {
			t.Fatalf("%d: %v", i, err)
		}
	}
	link := regexp.MustCompile(`href="(/admin/appeals/\d+)"`)
	rows := func(body string) []string {
		var out []string
		for _, m := range link.FindAllStringSubmatch(body, -1) {
			out = append(out, m[1])
		}
		return out
	}
	first := apptest.Get(t, registrar, s.Path("/admin/appeals"))
	next := regexp.MustCompile(`<a href="([^"]+)" rel="next">`).FindStringSubmatch(first.Body)
	if next == nil || strings.Contains(first.Body, `rel="prev"`) || !strings.Contains(first.Body, "Знайдено 55 звернень") {
		t.Fatal("the first page has no next link, or a previous one")
	}
	second := apptest.Get(t, registrar, s.Path(html.UnescapeString(next[1])))
	if strings.Contains(second.Body, `rel="next"`) || !strings.Contains(second.Body, "Перша сторінка") {
		t.Fatal("the last page offers a next page, or no way to the first")
	}
	seen := map[string]bool{}
	for _, r := range append(rows(first.Body), rows(second.Body)...) {
		if seen[r] {
			t.Fatalf("%s is shown twice", r)
		}
		seen[r] = true
	}
	if len(seen) != 55 {
		t.Fatalf("%d appeals over the pages, want 55", len(seen))
	}
	prev := regexp.MustCompile(`<a href="([^"]+)" rel="prev">`).FindStringSubmatch(second.Body)
	if prev == nil {
		t.Fatal("no previous link")
	}
	back := apptest.Get(t, registrar, s.Path(html.UnescapeString(prev[1])))
	if strings.Join(rows(back.Body), " ") != strings.Join(rows(first.Body), " ") {
		t.Fatal("back is not the first page")
	}
}
