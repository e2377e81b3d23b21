package e2e

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/hromada/hromada/internal/apptest"
	"github.com/hromada/hromada/internal/devidp"
)

// phoneHeaderRows is how many rows the citizens' header may take on a phone: the brand with the languages,
// and the links (issue 17: signed in, it took four).
const phoneHeaderRows = 2

// TestCitizenPagesInEnglish walks every citizen page in English, signed out and signed in, at desktop and
// phone width, and fails on a message id shown instead of its text, or Ukrainian words outside names and
// records (what people and the council wrote: a petition's title and text, an appeal's summary, names,
// addresses, registration indexes) and elements marked lang="uk". On a phone it also measures the header:
// at most two rows, signed in or not, in both languages.
func TestCitizenPagesInEnglish(t *testing.T) {
	chromium := findChromium(t)
	s := apptest.Start(t, nil)
	fx := accessibilityFixture(t, s)
	keys := messageIDs(t)
	records := recordWords(t, s)
	b := startBrowser(t, chromium, 4*time.Minute)

	anonymous := []pageState{
		{name: "home", path: "/", shot: "en-home"},
		{name: "petitions", path: "/petitions"},
		{name: "a petition", path: fmt.Sprintf("/petitions/%d", fx.published), shot: "en-petition"},
		{name: "not found", path: "/no-such-page", status: 404, shot: "en-not-found"},
		{name: "unsubscribe with a bad link", path: "/notices/unsubscribe?t=bad", status: 404},
		{name: "reception schedule", path: "/reception"},
		{name: "reception day", path: fmt.Sprintf("/reception/days/%d", fx.reception.bookable)},
		{name: "status", path: "/status"},
		{name: "status found", path: "/status?index=" + url.QueryEscape(fx.mineIndex) + "&surname=" + url.QueryEscape("шевченко")},
		{name: "status not found", path: "/status?index=" + url.QueryEscape(fx.mineIndex) + "&surname=" + url.QueryEscape("Коваленко")},
		{name: "status sent empty", path: "/status?index=&surname=", status: 422},
	}
	signedIn := []pageState{
		{name: "home signed in", path: "/"},
		{name: "new appeal", path: "/appeals/new"},
		{name: "check your answers", path: "/appeals/check"},
		{name: "new appeal sent empty", path: "/appeals/new", submit: "/appeals", status: 422},
		{name: "confirmation", path: fmt.Sprintf("/appeals/%d/registered", fx.mine)},
		{name: "my answered appeal", path: fmt.Sprintf("/appeals/%d", fx.mineAnswered)},
		{name: "rating sent empty", path: fmt.Sprintf("/appeals/%d", fx.mineAnswered), submit: fmt.Sprintf("/appeals/%d/rating", fx.mineAnswered), status: 422},
		{name: "my appeals", path: "/appeals"},
		{name: "my appeal", path: fmt.Sprintf("/appeals/%d", fx.mine)},
		{name: "someone else's appeal", path: fmt.Sprintf("/appeals/%d", fx.anonymous), status: 404},
		{name: "petitions signed in", path: "/petitions"},
		{name: "a petition signed in", path: fmt.Sprintf("/petitions/%d", fx.published)},
		{name: "new petition", path: "/petitions/new"},
		{name: "new petition sent empty", path: "/petitions/new", submit: "/petitions", status: 422},
		{name: "my petitions", path: "/account/petitions"},
		{name: "notices", path: "/account/notices", shot: "en-notices"},
		{name: "reception schedule signed in", path: "/reception"},
		{name: "reception booking form", path: fmt.Sprintf("/reception/days/%d", fx.reception.bookable)},
		{name: "reception booking sent empty", path: fmt.Sprintf("/reception/days/%d", fx.reception.bookable),
			submit: fmt.Sprintf("/reception/days/%d/book", fx.reception.bookable), status: 422},
		{name: "my reception booking", path: fmt.Sprintf("/reception/visits/%d", fx.reception.booking)},
	}
	b.do("English", chromedp.Navigate(s.URL+"/lang/en?next=/"), chromedp.WaitVisible(`//header//a[normalize-space()="Sign in"]`))
	b.headerRows("signed out, English")
	for _, st := range anonymous {
		b.walkEnglish(s.URL, st, keys, records)
	}
	b.do("sign in",
		chromedp.Click(`//header//a[normalize-space()="Sign in"]`),
		chromedp.WaitVisible(`//button[normalize-space()="Шевченко Олена Петрівна"]`),
		chromedp.Click(`//button[normalize-space()="Шевченко Олена Петрівна"]`),
		chromedp.WaitVisible(`//header//a[normalize-space()="My appeals"]`),
	)
	b.headerRows("signed in, English")
	b.screenshots("en-home-signed-in")
	for _, st := range signedIn {
		b.walkEnglish(s.URL, st, keys, records)
	}
	b.do("Ukrainian", chromedp.Navigate(s.URL+"/lang/uk?next=/"), chromedp.WaitVisible(`//header//a[normalize-space()="Мої звернення"]`))
	b.headerRows("signed in, Ukrainian")
	b.screenshots("uk-home-signed-in")
	if logs := b.console(); slices.ContainsFunc(logs, func(l string) bool { return !strings.Contains(l, "status of 4") }) {
		t.Errorf("console: %q", logs)
	}
}

// walkEnglish opens one page state (sending its form empty when it has one) and checks its text.
func (b *browser) walkEnglish(base string, st pageState, keys, records map[string]bool) {
	b.t.Helper()
	b.do(st.name, chromedp.Navigate(base+st.path), chromedp.WaitReady("body"))
	if st.submit != "" {
		b.do(st.name+": send", chromedp.Evaluate[chromedp.Void](submitEmpty(st.submit, nil)), chromedp.WaitReady("body"))
		time.Sleep(300 * time.Millisecond) // the answer's navigation
		b.do(st.name+": the answer", chromedp.WaitReady("main"))
	}
	want := st.status
	if want == 0 {
		want = 200
	}
	if got := eval[int](b, st.name+": status", `performance.getEntriesByType("navigation")[0].responseStatus`); got != want {
		b.t.Errorf("%s (%s): status %d, want %d", st.name, st.path, got, want)
	}
	// Every text a person sees or hears: text nodes (screen-reader-only ones too) and the attributes read
	// aloud, each with whether an element marked lang="uk" holds it.
	texts := eval[[][2]string](b, st.name+": texts", `(() => {
		const out = [];
		const marked = el => { const l = el && el.closest("[lang]"); return l && l.getAttribute("lang").startsWith("uk") ? "uk" : ""; };
		const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
		for (let n = walk.nextNode(); n; n = walk.nextNode()) {
			const p = n.parentElement;
			if (!p || p.closest("script, style, template") || !n.textContent.trim()) continue;
			out.push([n.textContent.replace(/\s+/g, " ").trim(), marked(p)]);
		}
		for (const el of document.querySelectorAll("[aria-label], [placeholder], [title], [alt], input[type=submit][value]")) {
			for (const a of ["aria-label", "placeholder", "title", "alt"]) if (el.hasAttribute(a)) out.push([el.getAttribute(a), marked(el)]);
			if (el.matches("input[type=submit]")) out.push([el.value, marked(el)]);
		}
		out.push([document.title, ""]);
		return out;
	})()`)
	if len(texts) < 20 {
		b.t.Errorf("%s (%s): only %d texts on the page", st.name, st.path, len(texts))
	}
	for _, tx := range texts {
		for _, w := range messageWord.FindAllString(tx[0], -1) {
			if keys[w] {
				b.t.Errorf("%s (%s): the message id %q instead of its text in %q", st.name, st.path, w, tx[0])
			}
		}
		if tx[1] == "uk" {
			continue
		}
		for _, w := range cyrillicWord.FindAllString(tx[0], -1) {
			if !records[strings.ToLower(w)] {
				b.t.Errorf("%s (%s): Ukrainian %q in %q", st.name, st.path, w, tx[0])
				break
			}
		}
	}
	if st.shot != "" {
		b.screenshots(st.shot)
	}
}

var (
	messageWord  = regexp.MustCompile(`[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+`)
	cyrillicWord = regexp.MustCompile(`[\p{Cyrillic}][\p{Cyrillic}'’ʼ-]*`)
)

// headerRows measures the citizens' header at 390 px: its parts (the brand, the languages, the links)
// may lie in at most phoneHeaderRows rows, and the links must not wrap.
func (b *browser) headerRows(step string) {
	b.t.Helper()
	b.do(step+": phone", chromedp.EmulateViewport(phoneWidth, phoneHeight, chromedp.EmulateMobile))
	defer b.do(step+": desktop", chromedp.EmulateViewport(desktopWidth, desktopHeight))
	m := eval[map[string]float64](b, step+": measure", `(() => {
		const h = document.querySelector("header.site");
		const parts = [...h.querySelectorAll(".head > *")].map(e => e.getBoundingClientRect()).filter(r => r.height > 0);
		const rows = [];
		for (const r of parts.sort((a, b) => a.top - b.top)) {
			const last = rows[rows.length - 1];
			if (last && r.top < last.bottom - 1) { last.bottom = Math.max(last.bottom, r.bottom); } else { rows.push({top: r.top, bottom: r.bottom}); }
		}
		// The links' middles: one row of links has them within a few pixels of each other.
		const mids = [...h.querySelectorAll(".links a, .links button")].map(e => e.getBoundingClientRect())
			.filter(r => r.height > 0).map(r => (r.top + r.bottom) / 2);
		const spread = mids.length ? Math.max(...mids) - Math.min(...mids) : 0;
		return {rows: rows.length, height: h.getBoundingClientRect().height, linkRows: spread > 8 ? 2 : 1,
			wide: document.documentElement.scrollWidth};
	})()`)
	b.t.Logf("%s: the phone header is %.0f px high in %.0f rows", step, m["height"], m["rows"])
	if m["wide"] > phoneWidth {
		b.t.Errorf("%s: the page is %.0f px wide on a %d px phone", step, m["wide"], phoneWidth)
	}
	if m["rows"] > phoneHeaderRows || m["linkRows"] > 1 {
		b.t.Errorf("%s: the phone header takes %.0f rows (its links %.0f), want at most %d (one of links); %.0f px high",
			step, m["rows"], m["linkRows"], phoneHeaderRows, m["height"])
	}
}

// messageIDs are every message id of the locale files: one shown on a page means a missing text.
func messageIDs(t *testing.T) map[string]bool {
	t.Helper()
	files, err := filepath.Glob("../internal/i18n/locales/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("locale files: %v", err)
	}
	ids := map[string]bool{}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for k := range m {
			ids[k] = true
		}
	}
	return ids
}

// recordWords are the words of names and records the fixture wrote in Ukrainian, which stay Ukrainian
// on English pages: people's names and addresses, appeals' summaries, questions and replies, petitions,
// registration indexes, and the language switch's own «Українською».
func recordWords(t *testing.T, s *apptest.Server) map[string]bool {
	t.Helper()
	texts := []string{"Українською"}
	for _, id := range devidp.Identities() {
		texts = append(texts, id.FullName(), id.Address)
	}
	for _, q := range []string{
		"SELECT reg_index FROM appeals", "SELECT summary FROM appeals", "SELECT author_address FROM appeals",
		"SELECT author_last_name || ' ' || author_first_name || ' ' || author_patronymic FROM appeals", "SELECT text FROM appeal_questions",
		"SELECT title || ' ' || text || ' ' || author_name FROM petitions", "SELECT signer_name FROM petition_signatures",
		"SELECT text || ' ' || out_number FROM appeal_replies",
	} {
		var rows []string
		if err := s.App.DB.Raw(q).Scan(&rows).Error; err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		texts = append(texts, rows...)
	}
	words := map[string]bool{}
	for _, x := range texts {
		for _, w := range cyrillicWord.FindAllString(x, -1) {
			words[strings.ToLower(w)] = true
		}
	}
	return words
}
