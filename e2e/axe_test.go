package e2e

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"maps"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/hromada/hromada/internal/appealform"
	"github.com/hromada/hromada/internal/apptest"
	"github.com/hromada/hromada/internal/audit"
	"github.com/hromada/hromada/internal/georeport"
	"github.com/hromada/hromada/internal/identity"
	"github.com/hromada/hromada/internal/petition"
	"github.com/hromada/hromada/internal/registry"
	"github.com/hromada/hromada/internal/settlement"
)

// axeVersion is the vendored axe-core (testdata/axe/README.md says where it came from).
const axeVersion = "4.14.1"

//go:embed testdata/axe/axe.min.js
var axeSource string

// axeTags are the rule sets the pages are held to: WCAG 2.0 and 2.1, levels A and AA.
var axeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa"}

// A pageState is one thing a person sees: a page, or a page after a form was sent to it with empty or
// bad values so its error summary and field errors show.
type pageState struct {
	name string // how a failure names it
	path string // the address to open, with its query
	// submit, when set, is the action of the POST form on the page to send after emptying its visible
	// text fields (and setting fill): the state checked is the page that answers.
	submit string
	fill   map[string]string // CSS selector → value, set before sending
	status int               // the status the page must answer with (0: 200)
	errors bool              // the state must show field errors (aria-invalid) or an error summary
	shot   string            // save screenshots at both sizes under this name (first language only)
}

// An axeViolation is one failed rule on one page, with the nodes that break it.
type axeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// TestAccessibilityOfEveryPage opens every page state of both areas in both languages, as each role
// that may open it, injects axe-core and fails on any WCAG 2.1 A/AA violation. On each state it also
// checks that the page does not scroll sideways at 1280×800, and, in the citizens' area, at 390×844.
//
// How a page gets covered: each visitor has a list of states below (the pages no link reaches, the
// card in its states, every form sent empty), and from every page it opens the test follows the
// site's own links (discover), one address per route shape (numbers and the query dropped). A new
// page that some page links to is therefore checked without touching this file; a new form's error
// state, or a page no link reaches, is added to the visitor's list.
func TestAccessibilityOfEveryPage(t *testing.T) {
	chromium := findChromium(t)
	s := apptest.Start(t, nil)
	fx := accessibilityFixture(t, s)
	all := &axeShared{seen: map[string]bool{}}
	started := time.Now()
	only := os.Getenv("HROMADA_A11Y_ONLY") // while fixing a page: "admin,analyst" checks only these visitors
	var groups [2][]axeVisitor
	for i, v := range fx.visitors() {
		if only == "" || slices.Contains(strings.Split(only, ","), v.name) {
			groups[i%2] = append(groups[i%2], v)
		}
	}
	// Two browsers at once, each with its half of the people: the run waits on the server and the
	// browser in turn, so two keep both cores busy and the whole check well within the CI's time.
	t.Run("browsers", func(t *testing.T) {
		for i, group := range groups {
			t.Run(fmt.Sprint(i+1), func(t *testing.T) {
				t.Parallel()
				b := startBrowser(t, chromium, 8*time.Minute) // a loaded machine: 173 states took 6 minutes at a load of 40
				run := &axeRun{b: b, base: s.URL, all: all}
				run.selfCheck()
				for _, v := range group {
					run.visitAs(v)
				}
				for _, l := range b.console() {
					// Error pages and forms sent empty answer 4xx on purpose (check compares each status
					// with the one wanted); the browser reports each as a failed load.
					if !strings.Contains(l, "the server responded with a status of 4") {
						t.Errorf("console: %s", l)
					}
				}
			})
		}
	})
	shapes := slices.Sorted(maps.Keys(all.seen))
	t.Logf("routes checked: %s", strings.Join(shapes, ", "))
	t.Logf("axe-core %s: %d page states checked in %s (axe-core itself: %s)", axeVersion, all.checked,
		time.Since(started).Round(time.Second), all.axeTime.Round(time.Second))
}

// axeShared is what the browsers share: the route shapes checked in each language, and counts.
type axeShared struct {
	mu      sync.Mutex
	seen    map[string]bool // lang + route shape
	checked int
	axeTime time.Duration // spent in axe-core itself
}

// claim marks a route shape in a language as checked; false when it already was.
func (a *axeShared) claim(key string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.seen[key] {
		return false
	}
	a.seen[key] = true
	return true
}

func (a *axeShared) count(axe time.Duration) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.checked++
	a.axeTime += axe
}

// axeRun is one browser's crawl.
type axeRun struct {
	b    *browser
	base string
	all  *axeShared
}

// visitAs signs in as the visitor and checks their states and the pages they reach, in each language.
func (r *axeRun) visitAs(v axeVisitor) {
	if v.who != "" {
		r.b.signInAs(r.base, v.who)
	} else {
		r.b.do("the anonymous visitor starts at home", chromedp.Navigate(r.base+"/"))
	}
	for _, lang := range []string{"uk", "en"} {
		r.language(lang)
		r.visit(v, lang)
	}
	r.language("uk") // signInAs finds the buttons by their Ukrainian names
}

func (r *axeRun) language(lang string) {
	r.b.do("switch the language to "+lang, chromedp.Navigate(r.base+"/lang/"+lang+"?next=/"))
}

// visit checks the visitor's own states, then the pages their links lead to, in one language.
func (r *axeRun) visit(v axeVisitor, lang string) {
	queue := []string{}
	for _, st := range v.states {
		queue = append(queue, r.check(v, lang, st)...)
		r.all.claim(lang + " " + routeShape(st.path))
	}
	// Links found on the way: each route shape once per language, whoever reaches it first.
	for budget := 60; len(queue) > 0 && budget > 0; {
		path := queue[0]
		queue = queue[1:]
		if !r.all.claim(lang + " " + routeShape(path)) {
			continue
		}
		budget--
		queue = append(queue, r.check(v, lang, pageState{name: "found by a link", path: path})...)
	}
}

// check opens one state, runs axe on it, measures its width, and returns the links on it.
func (r *axeRun) check(v axeVisitor, lang string, st pageState) []string {
	b := r.b
	b.t.Helper()
	label := fmt.Sprintf("%s [%s, %s] %s", st.name, v.name, lang, st.path)
	resp, err := chromedp.RunResponse(b.ctx, chromedp.Navigate(r.base+st.path))
	if err != nil {
		b.fail("open "+label, err)
	}
	if at, _ := chromedp.Run(b.ctx, chromedp.Location()); !strings.HasPrefix(at, r.base+"/") {
		if st.name == "found by a link" {
			return nil // a link that asks a visitor to sign in first: the provider's page is not ours
		}
		b.t.Errorf("%s: the browser left the site for %s", label, at)
		return nil
	}
	if st.submit != "" {
		resp, err = chromedp.RunResponse(b.ctx, voidOf(chromedp.Evaluate[bool](submitEmpty(st.submit, st.fill))))
		if err != nil {
			b.fail("send the form of "+label, err)
		}
	}
	want := st.status
	if want == 0 {
		want = 200
	}
	if resp == nil || int(resp.Status) != want {
		got := 0
		if resp != nil {
			got = int(resp.Status)
		}
		b.t.Errorf("%s: status %d, want %d", label, got, want)
	}
	if got := eval[string](b, "the language of "+label, `document.documentElement.lang`); got != lang && !paper.MatchString(st.path) {
		b.t.Errorf("%s: <html lang=%q>, want %q", label, got, lang)
	}
	if st.errors && !eval[bool](b, "the errors of "+label,
		`document.querySelector('[aria-invalid="true"], .error-text, .error-summary, [role="alert"]') !== null`) {
		b.t.Errorf("%s: the form's errors are not shown; the state checked is not the one meant", label)
	}
	if st.shot != "" && lang == "uk" {
		b.screenshots(st.shot) // as the page opens, before the check unfolds its parts
	}
	t0 := time.Now()
	violations := r.axe(label)
	r.all.count(time.Since(t0))
	for _, v := range violations {
		b.t.Errorf("%s: axe %s (%s): %s\n    %s", label, v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "\n    "))
	}
	staff := strings.HasPrefix(st.path, "/admin")
	r.noSidewaysScroll(label+" at 1280×800", desktopWidth, desktopHeight, false)
	if !staff {
		r.noSidewaysScroll(label+" at 390×844", phoneWidth, phoneHeight, true)
	}
	return r.links()
}

// selfCheck proves the checker sees a violation: an image without a text alternative and a field
// without a label, put into the home page, must be reported with their rules.
func (r *axeRun) selfCheck() {
	b := r.b
	b.t.Helper()
	b.do("the self-check's page", chromedp.Navigate(r.base+"/"))
	eval[bool](b, "break the page", `(() => {
		const m = document.querySelector('main');
		m.insertAdjacentHTML('beforeend', '<img id="axe-probe-img" src="/static/none.png"><input id="axe-probe-input" type="text">');
		return true;
	})()`)
	got := map[string]bool{}
	for _, v := range r.axe("the self-check") {
		got[v.ID] = true
	}
	if !got["image-alt"] || !got["label"] {
		b.t.Fatalf("axe-core did not report an image without alt and a field without a label (got %v): the check cannot fail", got)
	}
}

// axe injects axe-core through the DevTools protocol (Runtime.evaluate is not governed by the page's
// content-security policy, which forbids inline scripts) and returns the violations it finds.
func (r *axeRun) axe(label string) []axeViolation {
	b := r.b
	b.t.Helper()
	if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`if (!window.axe) {`+axeSource+`}; true`)); err != nil {
		b.fail("inject axe-core into "+label, err)
	}
	// Folded parts (the card's steps, "Більше фільтрів") are opened first: axe-core skips what is hidden,
	// and a form a person unfolds is as much a part of the page as what shows at first.
	eval[bool](b, "unfold "+label, `(document.querySelectorAll('details:not([open])').forEach(d => d.open = true), true)`)
	tags, _ := json.Marshal(axeTags)
	var out []axeViolation
	js := `axe.run(document, {runOnly: {type: 'tag', values: ` + string(tags) + `}, resultTypes: ['violations']})
		.then(r => r.violations.map(v => ({id: v.id, impact: v.impact || '', help: v.help,
			nodes: v.nodes.map(n => n.target.join(' ') + ' — ' + n.html.slice(0, 160))})))`
	out, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]axeViolation](js, chromedp.EvalAwaitPromise))
	if err != nil {
		b.fail("run axe-core on "+label, err)
	}
	return out
}

// noSidewaysScroll fails the test when the page is wider than the viewport, naming the widest
// elements that stick out.
func (r *axeRun) noSidewaysScroll(label string, width, height int64, mobile bool) {
	b := r.b
	b.t.Helper()
	if mobile {
		b.do("narrow the window for "+label, chromedp.EmulateViewport(width, height, chromedp.EmulateMobile))
		defer b.do("back to the desktop", chromedp.EmulateViewport(desktopWidth, desktopHeight))
	}
	over := eval[[]string](b, "the width of "+label, `(() => {
		const d = document.documentElement;
		if (d.scrollWidth <= d.clientWidth) return [];
		const out = ['page ' + d.scrollWidth + ' px wide in ' + d.clientWidth];
		// The outermost elements that stick out and are not inside a region that scrolls by itself. An
		// absolutely placed element (.visually-hidden) escapes every scroll box up to its positioned
		// ancestor, and so widens the page from inside a table that scrolls.
		const clipped = e => {
			let abs = ['absolute', 'fixed'].includes(getComputedStyle(e).position);
			for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
				const cs = getComputedStyle(p);
				if (abs && cs.position === 'static') continue;
				if (cs.overflowX !== 'visible') return true;
				abs = ['absolute', 'fixed'].includes(cs.position);
			}
			return false;
		};
		const found = [];
		for (const e of document.body.querySelectorAll('*')) {
			const r = e.getBoundingClientRect();
			if (r.right > d.clientWidth + 1 && !clipped(e) && found.length < 5 && !found.some(f => f.contains(e))) {
				found.push(e);
				out.push(e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + String(e.className).trim().replace(/ +/g, '.') : '') +
					' ' + Math.round(r.left) + '–' + Math.round(r.right));
			}
		}
		return out;
	})()`)
	if len(over) > 0 {
		b.t.Errorf("%s scrolls sideways: %s", label, strings.Join(over, "; "))
	}
}

// links returns the site's own page addresses linked from the current page, worth opening: no
// sign-in or sign-out, language switch, static file, download or API.
func (r *axeRun) links() []string {
	hrefs := eval[[]string](r.b, "the links", `[...document.querySelectorAll('a[href]')].map(a => a.href)`)
	var out []string
	for _, h := range hrefs {
		u, err := url.Parse(h)
		// A link within the page (#…, the error summary's links to fields) is not another page.
		if err != nil || !strings.HasPrefix(h, r.base+"/") || u.Fragment != "" {
			continue
		}
		if skipLink(u.Path) {
			continue
		}
		out = append(out, u.RequestURI())
	}
	return out
}

var downloads = regexp.MustCompile(`\.(csv|pdf|xlsx|docx|json|xml)$|/attachments/|/files/`)

func skipLink(path string) bool {
	for _, p := range []string{"/auth/", "/lang/", "/static/", "/api/", "/open311/", "/healthz"} {
		if strings.HasPrefix(path, p) {
			return true
		}
	}
	return downloads.MatchString(path)
}

// paper are the printable documents of the office, made in Ukrainian whatever the page's language.
var paper = regexp.MustCompile(`/(rkk|receipt|print|letters/[0-9]+)$`)

var numberSegment = regexp.MustCompile(`/[0-9]+`)

// routeShape is a path with its numbers as :id, without the query and a final slash: one page per
// route is enough for the pages found by links.
func routeShape(p string) string {
	p, _, _ = strings.Cut(p, "?")
	if len(p) > 1 {
		p = strings.TrimSuffix(p, "/")
	}
	return numberSegment.ReplaceAllString(p, "/:id")
}

// submitEmpty is a script that empties the visible text fields of the POST form with the action
// given, sets the fields named in fill, and sends it without the browser's own checks (the server's
// answer is what is tested).
func submitEmpty(action string, fill map[string]string) string {
	sets := ""
	for sel, v := range fill {
		q, _ := json.Marshal(sel)
		val, _ := json.Marshal(v)
		sets += fmt.Sprintf("{ const e = f.querySelector(%s); if (e) e.value = %s; }\n", q, val)
	}
	a, _ := json.Marshal(action)
	return `(() => {
		const f = [...document.querySelectorAll('form[method="post"]')].find(f => f.getAttribute('action') === ` + string(a) + `);
		if (!f) throw new Error('no form with action ' + ` + string(a) + `);
		f.noValidate = true;
		for (const e of f.querySelectorAll('input[type="text"], input:not([type]), input[type="email"], input[type="tel"], input[type="date"], textarea')) e.value = '';
		` + sets + `
		f.requestSubmit();
		return true;
	})()`
}

// voidOf runs an action for its effect only.
func voidOf[T any](a chromedp.Action[T]) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := a(ctx, t)
		return chromedp.Void{}, err
	}
}

// axeVisitor is one person of the crawl: the name on the provider's picker ("" for a visitor who is
// not signed in) and the states to check as them.
type axeVisitor struct {
	name, who string
	states    []pageState
}

// a11yFixture is the council the crawl walks through: appeals in each state of the card, petitions
// waiting and published, a letter waiting to be sent, a settlement and a department.
type a11yFixture struct {
	registered, assigned, awaiting, answered, anonymous, mine int64
	mineAnswered                                              int64  // the citizen's answered e-appeal (issue 17)
	mineIndex                                                 string // its index, for /status
	pending, published                                        int64
	settlement, service                                       int64
	reception                                                 receptionPages
}

func accessibilityFixture(t *testing.T, s *apptest.Server) *a11yFixture {
	t.Helper()
	ctx := context.Background()
	dept, err := s.App.Departments.Create(ctx, "Управління житлово-комунального господарства", "Housing and Utilities Department")
	if err != nil {
		t.Fatal(err)
	}
	place, err := s.App.Settlements.Create(ctx, settlement.Input{NameUK: "Зразкове", NameEN: "Zrazkove", Kind: "city"})
	if err != nil {
		t.Fatal(err)
	}
	staff := map[string]int64{}
	for _, p := range []struct{ sub, email, role string }{
		{"dev-staff-admin", "o.lytvynenko@rada.zrazkove.example", identity.RoleAdmin},
		{"dev-staff-head", "v.kravchenko@rada.zrazkove.example", identity.RoleHead},
		{"dev-staff-executor", "t.melnyk@rada.zrazkove.example", identity.RoleExecutor},
		{"dev-staff-registrar", "s.hnatiuk@rada.zrazkove.example", identity.RoleRegistrar},
		{"dev-citizen-andrii", "andrii.kovalenko@mail.example", identity.RoleModerator},
		{"dev-citizen-iryna", "iryna.bondar@mail.example", identity.RoleAnalyst},
		{"dev-citizen-olena", "", ""},
	} {
		s.SignIn(t, apptest.Browser(t), p.sub)
		if p.role == "" {
			continue
		}
		person, err := s.App.People.GrantRole(ctx, p.email, p.role, "test")
		if err != nil {
			t.Fatal(err)
		}
		staff[p.role] = person.ID
		if p.role == identity.RoleExecutor {
			if err := s.App.People.SetDepartment(ctx, s.App.DB, person.ID, dept.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	var citizen int64
	if err := s.App.DB.Raw("SELECT id FROM persons WHERE email = ?", "olena.shevchenko@mail.example").Scan(&citizen).Error; err != nil {
		t.Fatal(err)
	}
	service, err := s.App.Services.Create(ctx, georeport.Input{Code: "roads", SubjectCode: "09", NameUK: "Ями на дорогах", NameEN: "Potholes"})
	if err != nil {
		t.Fatal(err)
	}
	fx := &a11yFixture{settlement: place.ID, service: service.ID}
	phone := func(last, summary string) *registry.Appeal {
		a, err := s.App.Registry.RegisterAppeal(ctx, registry.RegisterInput{Channel: "phone", LastName: last, FirstName: "Олена",
			Address: "м. Зразкове, вул. Соборна, 1", Email: "olena.shevchenko@mail.example", Type: "complaint", Summary: summary,
			Questions: []registry.QuestionInput{{SubjectCode: "09", Text: "Гаряча вода"}}})
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	fx.registered = phone("Коваленко", "Немає гарячої води третій тиждень.").ID
	for _, id := range []*int64{&fx.assigned, &fx.awaiting, &fx.answered} {
		a := phone("Бондаренко", "Протікає дах у під'їзді № 2.")
		*id = a.ID
		if err := s.App.Registry.Assign(ctx, a.ID, registry.AssignInput{Resolution: "Розглянути й відповісти", DepartmentID: dept.ID}); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range []int64{fx.awaiting, fx.answered} {
		card, err := s.App.Registry.AppealForStaff(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		results := map[int64]string{}
		for _, q := range card.Questions {
			results[q.ID] = "resolved"
		}
		// The reply is written by a person (its author is kept), as the executor would from the card.
		executor := audit.WithActor(ctx, audit.Actor{PersonID: staff[identity.RoleExecutor], IP: "127.0.0.1"})
		if err := s.App.Registry.SubmitReply(executor, id, registry.ReplyInput{DepartmentID: dept.ID, Text: "Дах відремонтовано 1 грудня.", Results: results}); err != nil {
			t.Fatal(err)
		}
	}
	head := audit.WithActor(ctx, audit.Actor{PersonID: staff[identity.RoleHead], IP: "127.0.0.1"})
	if err := s.App.Registry.ApproveReply(head, fx.answered); err != nil {
		t.Fatal(err)
	}
	// A letter by post waits to be dispatched, so До відправлення and the register have lines.
	if _, err := s.App.Registry.RegisterAppeal(ctx, registry.RegisterInput{Channel: "mail", LastName: "Бондар", FirstName: "Ірина",
		Address: "м. Зразкове, вул. Садова, 3", Type: "proposal", Summary: "Пропоную встановити лавки у сквері.", Acknowledge: true,
		Questions: []registry.QuestionInput{{SubjectCode: "09", Text: "Лавки"}}}); err != nil {
		t.Fatal(err)
	}
	anon, err := s.App.Registry.RegisterAppeal(ctx, registry.RegisterInput{Channel: "mail", Nature: registry.NatureAnonymous,
		Type: "complaint", Summary: "Сусіди вночі шумлять, прошу вжити заходів.", Questions: []registry.QuestionInput{{SubjectCode: "12", Text: "Шум"}}})
	if err != nil {
		t.Fatal(err)
	}
	fx.anonymous = anon.ID
	mine, err := s.App.Registry.RegisterAppeal(ctx, registry.RegisterInput{Channel: registry.ChannelPortal, PersonID: &citizen,
		LastName: "Шевченко", FirstName: "Олена", Address: "м. Зразкове, вул. Соборна, 12", Email: "olena.shevchenko@mail.example",
		Type: "complaint", Summary: "Не працює вуличне освітлення на Соборній.", Consent: true,
		Questions: []registry.QuestionInput{{SubjectCode: "09", Text: "Освітлення"}}})
	if err != nil {
		t.Fatal(err)
	}
	fx.mine = mine.ID
	citizenSide(t, s, fx, citizen, dept.ID, staff)
	fx.reception = receptionFixture(t, s, citizen)
	admin := staff[identity.RoleAdmin]
	for i, title := range []string{"Облаштувати велодоріжку на вулиці Соборній", "Відкрити бібліотеку в мікрорайоні Садовому"} {
		p, err := s.App.Petitions.Create(ctx, petition.CreateInput{PersonID: admin, AuthorName: "Литвиненко Оксана Романівна",
			AuthorEmail: "o.lytvynenko@rada.zrazkove.example", Title: title, SubjectCode: "03",
			Text: "Просимо розглянути це питання якнайшвидше, бо воно стосується безпеки і зручності всіх мешканців."})
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			if err := s.App.Petitions.Publish(ctx, p.ID, admin, ""); err != nil {
				t.Fatal(err)
			}
			fx.published = p.ID
		} else {
			fx.pending = p.ID
		}
	}
	return fx
}

// visitors are the people of the crawl in order, each with the states only they reach (or reach in
// a state of their own: the card offers each role its own steps).
func (fx *a11yFixture) visitors() []axeVisitor {
	card := func(id int64) string { return fmt.Sprintf("/admin/appeals/%d", id) }
	return []axeVisitor{
		{name: "visitor", states: []pageState{
			{name: "home", path: "/"},
			{name: "petitions", path: "/petitions"},
			{name: "a petition", path: fmt.Sprintf("/petitions/%d", fx.published)},
			{name: "statistics", path: "/statistics"},
			{name: "statistics of a year", path: "/statistics?kind=year&year=2024&quarter=1"},
			{name: "statistics with a bad period", path: "/statistics?kind=quarter&year=1999&quarter=9", status: 400, errors: true},
			{name: "not found", path: "/no-such-page", status: 404},
			{name: "unsubscribe with a bad link", path: "/notices/unsubscribe?t=bad", status: 404},
			{name: "status", path: "/status"},
			{name: "status found", path: "/status?index=" + url.QueryEscape(fx.mineIndex) + "&surname=" + url.QueryEscape("шевченко")},
			{name: "status not found", path: "/status?index=" + url.QueryEscape(fx.mineIndex) + "&surname=" + url.QueryEscape("Коваленко")},
			{name: "status sent empty", path: "/status?index=&surname=", status: 422, errors: true},
			{name: "reception schedule", path: "/reception"},
			{name: "reception day", path: fmt.Sprintf("/reception/days/%d", fx.reception.bookable)},
		}},
		{name: "citizen", who: "Шевченко Олена Петрівна", states: []pageState{
			{name: "home", path: "/"},
			{name: "new appeal", path: "/appeals/new"},
			{name: "my appeals", path: "/appeals"},
			{name: "my appeal", path: fmt.Sprintf("/appeals/%d", fx.mine)},
			{name: "check your answers", path: "/appeals/check"},
			// After the check: sending the form empty replaces the draft the check page showed.
			{name: "new appeal sent empty", path: "/appeals/new", submit: "/appeals", status: 422, errors: true},
			{name: "confirmation", path: fmt.Sprintf("/appeals/%d/registered", fx.mine)},
			{name: "my answered appeal", path: fmt.Sprintf("/appeals/%d", fx.mineAnswered)},
			{name: "rating sent empty", path: fmt.Sprintf("/appeals/%d", fx.mineAnswered), submit: fmt.Sprintf("/appeals/%d/rating", fx.mineAnswered), status: 422, errors: true},
			{name: "staff area to a citizen", path: "/admin/", status: 404},
			{name: "someone else's appeal", path: fmt.Sprintf("/appeals/%d", fx.registered), status: 404},
			{name: "new petition", path: "/petitions/new"},
			{name: "new petition sent empty", path: "/petitions/new", submit: "/petitions", status: 422, errors: true},
			{name: "my petitions", path: "/account/petitions"},
			{name: "notices", path: "/account/notices"},
			{name: "reception schedule", path: "/reception"},
			{name: "reception booking form", path: fmt.Sprintf("/reception/days/%d", fx.reception.bookable)},
			{name: "reception booking sent empty", path: fmt.Sprintf("/reception/days/%d", fx.reception.bookable),
				submit: fmt.Sprintf("/reception/days/%d/book", fx.reception.bookable), status: 422, errors: true},
			{name: "reception booking", path: fmt.Sprintf("/reception/visits/%d", fx.reception.booking)},
		}},
		{name: "registrar", who: "Гнатюк Світлана Ігорівна", states: []pageState{
			{name: "dashboard", path: "/admin/"},
			{name: "journal", path: "/admin/appeals", shot: "registry"},
			{name: "journal, overdue view", path: "/admin/appeals?view=overdue"},
			{name: "journal with bad filters", path: "/admin/appeals?from=32.13.2026&to=bad&more=1", status: 400, errors: true},
			{name: "journal, nothing found", path: "/admin/appeals?q=" + url.QueryEscape("немає такого нічого")},
			{name: "registration", path: "/admin/appeals/new", shot: "registration"},
			{name: "registration sent empty", path: "/admin/appeals/new", submit: "/admin/appeals", status: 422, errors: true},
			{name: "card registered", path: card(fx.registered), shot: "card"},
			{name: "card anonymous", path: card(fx.anonymous)},
			{name: "card answered", path: card(fx.answered)},
			{name: "import", path: "/admin/import"},
			{name: "import sent empty", path: "/admin/import", submit: "/admin/import", status: 422, errors: true},
			{name: "new import profile", path: "/admin/import/profiles/new"},
			{name: "import profile sent empty", path: "/admin/import/profiles/new", submit: "/admin/import/profiles", status: 422, errors: true},
			{name: "dispatch", path: "/admin/dispatch"},
			{name: "outgoing", path: "/admin/outgoing"},
			{name: "outgoing with bad dates", path: "/admin/outgoing?from=bad&to=bad", status: 400, errors: true},
			{name: "report to a registrar", path: "/admin/report", status: 403},
			{name: "reception", path: "/admin/reception"},
			{name: "reception journal", path: fmt.Sprintf("/admin/reception/days/%d", fx.reception.today)},
			{name: "reception walk-in sent empty", path: fmt.Sprintf("/admin/reception/days/%d", fx.reception.today),
				submit: fmt.Sprintf("/admin/reception/days/%d/walkin", fx.reception.today), status: 422, errors: true},
			{name: "reception card", path: fmt.Sprintf("/admin/reception/visits/%d/card", fx.reception.visit)},
		}},
		{name: "executor", who: "Мельник Тарас Степанович", states: []pageState{
			{name: "dashboard", path: "/admin/"},
			{name: "card assigned", path: card(fx.assigned)},
			{name: "reply sent empty", path: card(fx.assigned), submit: fmt.Sprintf("/admin/appeals/%d/reply", fx.assigned), status: 422, errors: true},
			{name: "journal", path: "/admin/appeals"},
		}},
		{name: "head", who: "Кравченко Василь Петрович", states: []pageState{
			{name: "dashboard", path: "/admin/"},
			{name: "card registered", path: card(fx.registered)},
			{name: "resolution sent empty", path: card(fx.registered), submit: fmt.Sprintf("/admin/appeals/%d/assign", fx.registered), status: 422, errors: true},
			{name: "forwarding sent empty", path: card(fx.registered), submit: fmt.Sprintf("/admin/appeals/%d/forward", fx.registered), status: 422, errors: true},
			{name: "card assigned", path: card(fx.assigned)},
			{name: "extension sent empty", path: card(fx.assigned), submit: fmt.Sprintf("/admin/appeals/%d/extend", fx.assigned), status: 422, errors: true},
			{name: "card awaiting approval", path: card(fx.awaiting)},
			{name: "card answered", path: card(fx.answered)},
			{name: "card anonymous", path: card(fx.anonymous)},
			{name: "journal, awaiting approval", path: "/admin/appeals?view=approval"},
			{name: "petition queue", path: "/admin/petitions"},
			{name: "petition to moderate", path: fmt.Sprintf("/admin/petitions/%d", fx.pending)},
			{name: "petition rejected without a reason", path: fmt.Sprintf("/admin/petitions/%d", fx.pending),
				submit: fmt.Sprintf("/admin/petitions/%d/reject", fx.pending), status: 422, errors: true},
		}},
		{name: "moderator", who: "Коваленко Андрій Миколайович", states: []pageState{
			{name: "dashboard", path: "/admin/"},
			{name: "petition queue", path: "/admin/petitions"},
		}},
		{name: "analyst", who: "Бондар Ірина Василівна", states: []pageState{
			{name: "dashboard", path: "/admin/"},
			{name: "report", path: "/admin/report"},
			{name: "report with a bad period", path: "/admin/report?kind=month&year=abc&month=13", status: 422, errors: true},
		}},
		{name: "admin", who: "Литвиненко Оксана Романівна", states: []pageState{
			{name: "dashboard", path: "/admin/"},
			{name: "reception schedule", path: "/admin/reception"},
			{name: "reception days sent empty", path: "/admin/reception", submit: "/admin/reception/days", status: 422, errors: true},
			{name: "departments", path: "/admin/departments/"},
			{name: "department sent empty", path: "/admin/departments/", submit: "/admin/departments", status: 422, errors: true},
			{name: "settlements", path: "/admin/settlements/"},
			{name: "settlement sent empty", path: "/admin/settlements/", submit: "/admin/settlements", status: 422, errors: true},
			{name: "settlement", path: fmt.Sprintf("/admin/settlements/%d", fx.settlement)},
			{name: "settlement saved empty", path: fmt.Sprintf("/admin/settlements/%d", fx.settlement),
				submit: fmt.Sprintf("/admin/settlements/%d", fx.settlement), status: 422, errors: true},
			{name: "staff", path: "/admin/staff"},
			{name: "role granted to a bad address", path: "/admin/staff", submit: "/admin/staff", fill: map[string]string{`[name="email"]`: "не адреса"}, status: 422, errors: true},
			{name: "audit", path: "/admin/audit"},
			{name: "audit with bad dates", path: "/admin/audit?from=bad&to=bad", errors: true},
			{name: "undelivered mail", path: "/admin/mail"},
			{name: "open311 services", path: "/admin/open311/"},
			{name: "open311 service sent empty", path: "/admin/open311/", submit: "/admin/open311", status: 422, errors: true},
			{name: "open311 service", path: fmt.Sprintf("/admin/open311/%d", fx.service)},
			{name: "open311 service saved empty", path: fmt.Sprintf("/admin/open311/%d", fx.service),
				submit: fmt.Sprintf("/admin/open311/%d", fx.service), status: 422, errors: true},
			{name: "report", path: "/admin/report"},
		}},
	}
}

// citizenSide adds what the citizen's pages of issue 17 need: a draft waiting at "check your answers" and
// an answered e-appeal (the answer first, its letter, Art. 16 and the rating form).
func citizenSide(t *testing.T, s *apptest.Server, fx *a11yFixture, citizen, dept int64, staff map[string]int64) {
	t.Helper()
	ctx := context.Background()
	form, err := json.Marshal(appealform.Form{LastName: "Шевченко", FirstName: "Олена", Patronymic: "Петрівна",
		Address: "м. Зразкове, вул. Соборна, 12", Email: "olena.shevchenko@mail.example", Type: "complaint",
		Questions: []registry.QuestionInput{{SubjectCode: "09", Text: "Освітлення"}},
		Summary:   "Не працює вуличне освітлення на Соборній.", Consent: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.App.Registry.SaveDraft(ctx, citizen, registry.Draft{Form: form}); err != nil {
		t.Fatal(err)
	}
	a, err := s.App.Registry.RegisterAppeal(ctx, registry.RegisterInput{Channel: registry.ChannelPortal, PersonID: &citizen,
		LastName: "Шевченко", FirstName: "Олена", Address: "м. Зразкове, вул. Соборна, 12", Email: "olena.shevchenko@mail.example",
		Type: "application", Summary: "Прошу відремонтувати лавку біля під'їзду.", Consent: true,
		Questions: []registry.QuestionInput{{SubjectCode: "09", Text: "Лавка"}, {SubjectCode: "10", Text: "Дах"}}})
	if err != nil {
		t.Fatal(err)
	}
	fx.mineAnswered, fx.mineIndex = a.ID, a.RegIndex
	head := audit.WithActor(ctx, audit.Actor{PersonID: staff[identity.RoleHead], IP: "127.0.0.1"})
	executor := audit.WithActor(ctx, audit.Actor{PersonID: staff[identity.RoleExecutor], IP: "127.0.0.1"})
	if err := s.App.Registry.Assign(head, a.ID, registry.AssignInput{Resolution: "Розглянути", DepartmentID: dept}); err != nil {
		t.Fatal(err)
	}
	card, err := s.App.Registry.AppealForStaff(head, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.App.Registry.SubmitReply(executor, a.ID, registry.ReplyInput{DepartmentID: dept, Text: "Лавку відремонтовано; дах оглянуть у травні.",
		Results: map[int64]string{card.Questions[0].ID: registry.ResultResolved, card.Questions[1].ID: registry.ResultExplained}}); err != nil {
		t.Fatal(err)
	}
	if err := s.App.Registry.ApproveReply(head, a.ID); err != nil {
		t.Fatal(err)
	}
}
