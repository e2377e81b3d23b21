package admin_test

import (
	"bytes"
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/hromada/hromada/internal/apptest"
	"github.com/hromada/hromada/internal/identity"
	"github.com/hromada/hromada/internal/report/reporttest"
	"github.com/hromada/hromada/internal/steptest"
)

// reportScene is what the steps of TestReportPage share: the program with the data set of known
// counts, and a browser for a citizen, a registrar and an analyst.
type reportScene struct {
	s                           *apptest.Server
	citizen, registrar, analyst *http.Client
}

// firstQuarter2024 is the period of the data set.
const firstQuarter2024 = "?kind=quarter&year=2024&quarter=1"

// The analysts' report on the data set with known counts: the same figures on the page and in the
// downloads; registrars are refused, citizens do not see the page at all.
func TestReportPage(t *testing.T) {
	steptest.Run(t, newReportScene(t), []steptest.Step[*reportScene]{
		{Name: "citizens and registrars are refused", Run: refuseReportToOthers},
		{Name: "the page", Run: checkReportPage},
		{Name: "the downloads carry the same figures", Run: checkReportDownloads},
		{Name: "a wrong date and the English page", Run: checkReportDateAndLanguage},
		{Name: "a broken identity is shown", Run: checkBrokenIdentityShown},
	})
}

func newReportScene(t *testing.T) *reportScene {
	t.Helper()
	s := apptest.Start(t, map[string]string{"HROMADA_TIMEZONE": "Europe/Kyiv"})
	ctx := context.Background()
	sc := &reportScene{s: s, citizen: apptest.Browser(t), registrar: apptest.Browser(t), analyst: apptest.Browser(t)}
	s.SignIn(t, sc.citizen, "dev-citizen-olena")
	s.SignIn(t, sc.registrar, "dev-staff-registrar")
	s.SignIn(t, sc.analyst, "dev-staff-executor")
	for _, g := range []struct{ email, role string }{
		{"s.hnatiuk@rada.zrazkove.example", identity.RoleRegistrar},
		{"t.melnyk@rada.zrazkove.example", identity.RoleAnalyst},
	} {
		if _, err := s.App.People.GrantRole(ctx, g.email, g.role, "test"); err != nil {
			t.Fatal(err)
		}
	}
	reporttest.Insert(t, s.App.DB)
	return sc
}

func refuseReportToOthers(t *testing.T, sc *reportScene) {
	for _, path := range []string{"/admin/report" + firstQuarter2024, "/admin/report.xlsx" + firstQuarter2024} {
		if r := apptest.Get(t, sc.citizen, sc.s.Path(path)); r.Status != http.StatusNotFound {
			t.Errorf("citizen %s: %d, want 404", path, r.Status)
		}
		if r := apptest.Get(t, sc.registrar, sc.s.Path(path)); r.Status != http.StatusForbidden {
			t.Errorf("registrar %s: %d, want 403", path, r.Status)
		}
	}
}

func checkReportPage(t *testing.T, sc *reportScene) {
	page := apptest.Get(t, sc.analyst, sc.s.Path("/admin/report"+firstQuarter2024))
	if page.Status != http.StatusOK {
		t.Fatalf("analyst: %d\n%.2000s", page.Status, page.Body)
	}
	for _, want := range []string{
		`<tr data-code="appeals"><th scope="row">Звернень</th><td class="num">15</td><td class="num">2</td><td class="num">1</td></tr>`,
		`<th scope="col">Попередній квартал (2023-10-01 – 2023-12-31)</th>`,
		`<caption id="departments-caption">Розгляд звернень за виконавчими органами · 2024-01-01 – 2024-03-31</caption>`,
		`<tr data-code="unassigned"><th scope="row">Не призначено</th><td class="num">13</td><td class="num">86.7</td><td class="num">12</td><td class="num">1</td>`,
		`<tr data-code="undetermined"><th scope="row">Не визначено</th><td class="num">3</td><td class="num">20.0</td>`,
		"питому вагу складають питання комунального господарства – 8 або 44%",
		`<tr data-code="citizens"><th scope="row">Громадян</th><td class="num">24</td>`,
		`<tr data-code="questions"><th scope="row">Питань</th><td class="num">18</td>`,
		`<tr data-code="overdue"><th scope="row">З порушенням терміну</th><td class="num">3</td>`,
		`<tr data-code="09"><td>09</td><th scope="row">Комунальне господарство</th><td class="num">8</td><td class="num">44.4</td>`,
		`<tr data-code="25"><td>25</td><th scope="row">Інше</th><td class="num">1</td><td class="num">5.6</td>`,
		`<tr data-code="gov_hotline"><th scope="row">Урядова гаряча лінія 1545</th><td class="num">5</td>`,
		`<tr data-code="pending"><th scope="row">На розгляді (результату ще немає)</th><td class="num">2</td>`,
		"Усі тотожності форм виконано.",
		"У І кварталі 2024 року до Зразкової міської ради на розгляд надійшло 15 звернень",
		`role="img"`, "<title id=\"chart-channels-t\">", `<caption id="form1-caption">Форма 1. Звернення за каналами надходження`,
		`href="/admin/report.xlsx?kind=quarter&amp;quarter=1&amp;year=2024"`,
		`<caption id="form1-settlements-caption">Форма 1 за населеними пунктами · 2024-01-01 – 2024-03-31`,
		`<tr data-code="undetermined"><th scope="row">Не визначено</th><td class="num">3<br>`,
		`<th scope="row">Зелене</th><td class="num">4<br><small><span class="visually-hidden">(роком раніше) </span>2</small></td><td class="num">13<br>`,
		`<h3 id="dim-by_settlement">За населеним пунктом</h3>`,
	} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	checkReportStructure(t, page.Body)
	if strings.Contains(page.Body, "<script") {
		t.Error("the report page must work without JavaScript")
	}
}

func checkReportDownloads(t *testing.T, sc *reportScene) {
	s, analyst := sc.s, sc.analyst
	x := apptest.Get(t, analyst, s.Path("/admin/report.xlsx"+firstQuarter2024))
	if x.Status != http.StatusOK || !strings.Contains(x.Header.Get("Content-Disposition"), "zvit-2024-01-01-2024-03-31.xlsx") {
		t.Fatalf("xlsx: %d %v", x.Status, x.Header)
	}
	book, err := excelize.OpenReader(bytes.NewReader([]byte(x.Body)))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := book.GetRows("Форма 2")
	if err != nil {
		t.Fatal(err)
	}
	book.Close()
	found := false
	for _, r := range rows {
		if len(r) >= 4 && r[0] == "09" {
			found = r[2] == "8" && r[3] == "44.4"
		}
	}
	if !found {
		t.Errorf("XLSX form 2 lacks 09 with 8 and 44.4: %q", rows)
	}
	if c := apptest.Get(t, analyst, s.Path("/admin/report.csv"+firstQuarter2024)); c.Status != http.StatusOK ||
		!strings.Contains(c.Body, "summary,appeals,Звернень,,15,2") {
		t.Errorf("csv: %d\n%.500s", c.Status, c.Body)
	}
	if p := apptest.Get(t, analyst, s.Path("/admin/report.pdf"+firstQuarter2024)); p.Status != http.StatusOK || !strings.HasPrefix(p.Body, "%PDF-") {
		t.Errorf("pdf: %d", p.Status)
	}
	if r := apptest.Get(t, analyst, s.Path("/admin/report.odt"+firstQuarter2024)); r.Status != http.StatusNotFound {
		t.Errorf("an unknown format: %d", r.Status)
	}
}

// A wrong date is named beside its field and what was typed is kept; the page reads in English too.
func checkReportDateAndLanguage(t *testing.T, sc *reportScene) {
	s, analyst := sc.s, sc.analyst
	bad := apptest.Get(t, analyst, s.Path("/admin/report?kind=custom&from=2024-13-01&to=2024-03-31"))
	for _, want := range []string{"Вкажіть дату у форматі РРРР-ММ-ДД.", `id="f-from-error"`, `value="2024-13-01"`, `value="2024-03-31"`} {
		if bad.Status != http.StatusUnprocessableEntity || !strings.Contains(bad.Body, want) {
			t.Errorf("a bad date: %d, lacks %s", bad.Status, want)
		}
	}
	apptest.Get(t, analyst, s.Path("/lang/en?next=/admin"))
	if en := apptest.Get(t, analyst, s.Path("/admin/report?kind=custom&from=2024-01-01&to=2024-03-31")); !strings.Contains(en.Body, "Every identity of the forms holds.") {
		t.Errorf("English page:\n%.1500s", en.Body)
	}
	apptest.Get(t, analyst, s.Path("/lang/uk?next=/admin"))
}

func checkBrokenIdentityShown(t *testing.T, sc *reportScene) {
	reporttest.AppealRow(t, sc.s.App.DB, reporttest.Appeal{Seq: 900, Received: time.Date(2024, 2, 10, 9, 0, 0, 0, time.UTC),
		Channel: "mail", Type: "complaint", Nature: "individual", Signers: 1, Sign: "primary", Status: "answered",
		Result: "bogus", Due: time.Date(2024, 3, 10, 0, 0, 0, 0, time.UTC)})
	broken := apptest.Get(t, sc.analyst, sc.s.Path("/admin/report"+firstQuarter2024))
	if !strings.Contains(broken.Body, `<div class="notice bad" role="alert" id="issues">`) ||
		!strings.Contains(broken.Body, "не виконано «сума за результатами дорівнює кількості звернень»") {
		t.Errorf("a broken identity is not shown:\n%.3000s", broken.Body)
	}
}

// checkReportStructure: a table of contents whose every link lands on the page, and every table in a
// scroll region the keyboard reaches, named by the table's own caption.
func checkReportStructure(t *testing.T, body string) {
	t.Helper()
	toc := regexp.MustCompile(`(?s)<nav class="toc" aria-labelledby="toc-title">(.*?)</nav>`).FindStringSubmatch(body)
	if toc == nil {
		t.Fatal("no table of contents")
	}
	links := regexp.MustCompile(`href="#([^"]+)"`).FindAllStringSubmatch(toc[1], -1)
	if len(links) < 8 {
		t.Errorf("the table of contents has %d entries", len(links))
	}
	for _, l := range links {
		if !strings.Contains(body, `id="`+l[1]+`"`) {
			t.Errorf("the contents link #%s lands nowhere", l[1])
		}
	}
	tables := strings.Count(body, "<table")
	regions := regexp.MustCompile(`<div class="table-wrap report-region" role="region" aria-labelledby="([^"]+)" tabindex="0">\s*<table[^>]*>\s*<caption id="([^"]+)"`).FindAllStringSubmatch(body, -1)
	if tables < 5 || len(regions) != tables {
		t.Errorf("%d tables, %d of them in a named keyboard-reachable region", tables, len(regions))
	}
	for _, r := range regions {
		if r[1] != r[2] {
			t.Errorf("region named by %s, its caption is %s", r[1], r[2])
		}
	}
}
