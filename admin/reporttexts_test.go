package admin_test

import (
	"archive/zip"
	"bytes"
	"context"
	"html"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/hromada/hromada/internal/apptest"
	"github.com/hromada/hromada/internal/identity"
	"github.com/hromada/hromada/internal/report/reporttest"
)

// The document's typed parts on /admin/report: saved per period, every change a new version (the latest
// in the form, the earlier ones listed with who saved them), audited, refused beside the field when too
// long (kept as typed); the DOCX download carries them with the configured heading, and marks the parts
// nobody typed. Registrars may not save them.
func TestReportTexts(t *testing.T) {
	s := apptest.Start(t, map[string]string{"HROMADA_TIMEZONE": "Europe/Kyiv",
		"HROMADA_REPORT_SIGNATORY_NAME": "Олена АБРОСІМОВА", "HROMADA_REPORT_UNIT": "відділу звернень громадян міської ради"})
	ctx := context.Background()
	analyst, registrar := apptest.Browser(t), apptest.Browser(t)
	s.SignIn(t, analyst, "dev-staff-executor")
	s.SignIn(t, registrar, "dev-staff-registrar")
	for _, g := range []struct{ email, role string }{
		{"s.hnatiuk@rada.zrazkove.example", identity.RoleRegistrar},
		{"t.melnyk@rada.zrazkove.example", identity.RoleAnalyst},
	} {
		if _, err := s.App.People.GrantRole(ctx, g.email, g.role, "test"); err != nil {
			t.Fatal(err)
		}
	}
	reporttest.Insert(t, s.App.DB)
	page := s.Path("/admin/report" + firstQuarter2024)
	action := s.Path("/admin/report/texts" + firstQuarter2024)

	first := apptest.Get(t, analyst, page)
	if first.Status != http.StatusOK || !strings.Contains(first.Body, `name="text_methodical"`) ||
		!strings.Contains(first.Body, `action="/admin/report/texts?kind=quarter&amp;quarter=1&amp;year=2024"`) {
		t.Fatalf("the page has no form for the texts of its period: %d\n%.3000s", first.Status, first.Body)
	}
	save := func(c *http.Client, fields map[string]string) apptest.Response {
		t.Helper()
		form := url.Values{"_csrf": {apptest.CSRF(t, apptest.Get(t, c, page).Body)}}
		for k, v := range fields {
			form.Set(k, v)
		}
		return apptest.PostForm(t, c, action, form)
	}
	if r := save(analyst, map[string]string{"text_methodical": "Консультації щодня.", "text_organisational": ""}); r.Status != http.StatusSeeOther ||
		!strings.HasPrefix(r.Location, "/admin/report?") {
		t.Fatalf("save: %d %q\n%.2000s", r.Status, r.Location, r.Body)
	}
	if r := save(analyst, map[string]string{"text_methodical": "Консультації щодня.\nРоз’яснення законодавства."}); r.Status != http.StatusSeeOther {
		t.Fatalf("second save: %d", r.Status)
	}
	unchanged := save(analyst, map[string]string{"text_methodical": "Консультації щодня.\nРоз’яснення законодавства."})
	if after := apptest.Get(t, analyst, apptest.Follow(action, unchanged.Location)); !strings.Contains(after.Body, "Тексти не змінилися") {
		t.Errorf("an unchanged save does not say so:\n%.2000s", after.Body)
	}

	body := html.UnescapeString(apptest.Get(t, analyst, page).Body)
	for _, want := range []string{"2. Методична робота (Версія 2)", "Консультації щодня.\nРоз’яснення законодавства.</textarea>",
		"Попередні версії: 1", "Версія 1", "Консультації щодня.</blockquote>"} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	var n int64
	if err := s.App.DB.Table("audit_log").Where("action = ?", "report.text.save").Count(&n).Error; err != nil || n != 2 {
		t.Errorf("%d audit lines for the saves (%v), want 2", n, err)
	}
	if err := s.App.DB.Table("report_texts").Count(&n).Error; err != nil || n != 2 {
		t.Errorf("%d versions stored (%v), want 2: an unchanged or still empty part adds none", n, err)
	}

	// Too long: refused beside the field, the text kept as typed, nothing stored.
	long := strings.Repeat("ї", 20001)
	if r := save(analyst, map[string]string{"text_novelties": long}); r.Status != http.StatusUnprocessableEntity ||
		!strings.Contains(r.Body, long+"</textarea>") || !strings.Contains(r.Body, `id="f-text_novelties-error"`) {
		t.Errorf("a text too long: %d", r.Status)
	}
	if r := save(registrar, map[string]string{"text_novelties": "Ні."}); r.Status != http.StatusForbidden {
		t.Errorf("a registrar saved the texts: %d", r.Status)
	}

	// The DOCX carries the latest texts, the heading from configuration, and marks the empty parts.
	d := apptest.Get(t, analyst, s.Path("/admin/report.docx"+firstQuarter2024))
	if d.Status != http.StatusOK || d.Header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.wordprocessingml.document" ||
		!strings.Contains(d.Header.Get("Content-Disposition"), "zvit-2024-01-01-2024-03-31.docx") {
		t.Fatalf("docx: %d %v", d.Status, d.Header)
	}
	xml := documentXML(t, []byte(d.Body))
	for _, want := range []string{"Роз’яснення законодавства.", "Олена АБРОСІМОВА", "про роботу відділу звернень громадян міської ради",
		"у І кварталі 2024 року", "[ЗАПОВНИТИ:", `w:val="Heading1"`, "<w:tbl>"} {
		if !strings.Contains(xml, want) {
			t.Errorf("the DOCX lacks %q", want)
		}
	}
	if strings.Count(xml, "[ЗАПОВНИТИ:") != 2 {
		t.Errorf("%d parts marked for filling in, want 2 (I.3, I.4)", strings.Count(xml, "[ЗАПОВНИТИ:"))
	}
	// Another period has texts of its own: none yet.
	if other := apptest.Get(t, analyst, s.Path("/admin/report?kind=quarter&year=2024&quarter=2")); strings.Contains(other.Body, "Роз’яснення законодавства") {
		t.Error("the second quarter shows the first quarter's texts")
	}
}

// documentXML is word/document.xml of a DOCX.
func documentXML(t *testing.T, data []byte) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("the DOCX is no zip: %v", err)
	}
	f, err := zr.Open("word/document.xml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
