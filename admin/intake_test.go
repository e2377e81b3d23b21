package admin_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/hromada/hromada/internal/apptest"
	"github.com/hromada/hromada/internal/intake"
	"github.com/hromada/hromada/internal/source"
)

// hotlineXLSX is an export of the 1545 contact centre with the shipped profile's headers.
func hotlineXLSX(t *testing.T, spec *intake.Spec, rows [][]string) []byte {
	t.Helper()
	fields := []string{"card_number", "registered_at", "last_name", "first_name", "address", "text", "subject", "type"}
	f := excelize.NewFile()
	defer f.Close()
	sheet := f.GetSheetName(0)
	for i, field := range fields {
		c, _ := spec.Column(field)
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		_ = f.SetCellValue(sheet, cell, c.Headers[0])
		for r, row := range rows {
			cell, _ := excelize.CoordinatesToCellName(i+1, r+2)
			_ = f.SetCellValue(sheet, cell, row[i])
		}
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// A registrar uploads a hotline's export, follows the run's page (a progress bar while it is read, then
// the preview), confirms, and finds the cards registered; the profile's page edits the profile; the
// results come back as a file.
func TestCardIntakePages(t *testing.T) {
	s, _, registrar, _ := staffServer(t)
	ctx := context.Background()
	src, err := s.App.Sources.ByCode(ctx, source.GovHotline)
	if err != nil {
		t.Fatal(err)
	}
	profile, err := s.App.Intake.ForSource(ctx, src.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	spec, _ := profile.Spec()
	page := apptest.Get(t, registrar, s.Path("/admin/import"))
	for _, want := range []string{`action="/admin/import/cards"`, fmt.Sprintf(`href="/admin/import/profiles/%d"`, profile.ID),
		`action="/admin/import/results.xlsx"`, `formaction="/admin/import/results.csv"`, "Урядовий контактний центр 1545: приклад"} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("the import page lacks %q", want)
		}
	}
	csrf := apptest.CSRF(t, page.Body)
	day := time.Now().AddDate(0, 0, -2).Format("02.01.2006") + " 10:15"
	file := hotlineXLSX(t, spec, [][]string{
		{"1545-77", day, "Коваленко", "Олена", "м. Зразкове, вул. Соборна, 3", "Немає гарячої води третій тиждень.", "09", "Скарга"},
		{"1545-78", day, "Бондар", "Іван", "м. Зразкове, вул. Нова, 5", "Прошу відремонтувати дах будинку.", "Житлова політика", "Заява"},
	})
	r := apptest.PostMultipart(t, registrar, s.Path("/admin/import/cards"), url.Values{"_csrf": {csrf}, "profile": {fmt.Sprint(profile.ID)}},
		apptest.File{Field: "file", Name: "1545.xlsx", Data: file})
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/admin/import/runs/") {
		t.Fatalf("upload: %d %q\n%.2000s", r.Status, r.Location, r.Body)
	}
	s.App.Intake.Wait()
	runPath := r.Location
	var runID int64
	if _, err := fmt.Sscanf(runPath, "/admin/import/runs/%d", &runID); err != nil {
		t.Fatal(err)
	}
	preview := apptest.Get(t, registrar, s.Path(runPath))
	for _, want := range []string{"Буде додано: 2", "Уже є в реєстрі: 0", "Зареєструвати нові картки (2)", "1545-78"} {
		if !strings.Contains(preview.Body, want) {
			t.Errorf("the preview lacks %q\n%.3000s", want, preview.Body)
		}
	}

	// While a file is read the page shows how far, and reloads itself; a run whose worker went away says so.
	checkProgressPage(t, s, registrar, runID)

	r = apptest.PostForm(t, registrar, s.Path(runPath), url.Values{"_csrf": {apptest.CSRF(t, preview.Body)}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("confirm: %d\n%.2000s", r.Status, r.Body)
	}
	s.App.Intake.Wait()
	done := apptest.Get(t, registrar, s.Path(runPath))
	if !strings.Contains(done.Body, "Додано: 2; уже були: 0") {
		t.Errorf("after the import:\n%.3000s", done.Body)
	}
	if a, err := s.App.Registry.AppealByExternal(ctx, src.ID, "1545-78"); err != nil || a.Channel != "gov_hotline" {
		t.Errorf("the registered card: %+v %v", a, err)
	}
	// The same file again adds nothing.
	r = apptest.PostMultipart(t, registrar, s.Path("/admin/import/cards"), url.Values{"_csrf": {csrf}, "profile": {fmt.Sprint(profile.ID)}},
		apptest.File{Field: "file", Name: "1545.xlsx", Data: file})
	s.App.Intake.Wait()
	if again := apptest.Get(t, registrar, apptest.Follow(s.Path("/admin/import"), r.Location)); !strings.Contains(again.Body, "Буде додано: 0") ||
		!strings.Contains(again.Body, "Уже є в реєстрі: 2") || strings.Contains(again.Body, "Зареєструвати нові картки") {
		t.Errorf("the same file again:\n%.3000s", again.Body)
	}
	// No file, or no profile: the form says so beside the field.
	r = apptest.PostMultipart(t, registrar, s.Path("/admin/import/cards"), url.Values{"_csrf": {csrf}, "profile": {"abc"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `id="f-cards-file-error"`) || !strings.Contains(r.Body, `id="f-cards-profile-error"`) {
		t.Errorf("an empty upload: %d\n%.2000s", r.Status, r.Body)
	}

	checkProfilePage(t, s, registrar, profile.ID)

	// The results follow the profile as just edited: its headers, no cards answered yet.
	today := time.Now().Format("2006-01-02")
	res := apptest.Get(t, registrar, s.Path(fmt.Sprintf("/admin/import/results.csv?profile=%d&from=%s&to=%s", profile.ID, today, today)))
	if res.Status != http.StatusOK || res.Body != "\ufeffСтовпець card_number;Стовпець result\r\n" {
		t.Errorf("results: %d %q", res.Status, res.Body)
	}
	res = apptest.Get(t, registrar, s.Path(fmt.Sprintf("/admin/import/results.xlsx?profile=%d&from=%s&to=2000-01-01", profile.ID, today)))
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="f-results-to-error"`) {
		t.Errorf("a period backwards: %d\n%.2000s", res.Status, res.Body)
	}
}

func checkProgressPage(t *testing.T, s *apptest.Server, c *http.Client, runID int64) {
	t.Helper()
	path := s.Path(fmt.Sprintf("/admin/import/runs/%d", runID))
	// The run is put back to the middle of its reading, as another instance would be showing it.
	if err := s.App.DB.Exec("UPDATE intake_runs SET state = 'checking', done_rows = 40, total_rows = 100, heartbeat_at = ? WHERE id = ?",
		time.Now().UTC(), runID).Error; err != nil {
		t.Fatal(err)
	}
	page := apptest.Get(t, c, path)
	for _, want := range []string{`<progress id="run-progress" max="100" value="40">`, `<meta http-equiv="refresh" content="2">`, "Прочитано рядків: 40 з 100"} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("the progress page lacks %q\n%.3000s", want, page.Body)
		}
	}
	if err := s.App.DB.Exec("UPDATE intake_runs SET heartbeat_at = ? WHERE id = ?", time.Now().Add(-time.Hour).UTC(), runID).Error; err != nil {
		t.Fatal(err)
	}
	if page := apptest.Get(t, c, path); !strings.Contains(page.Body, "Обробку файлу перервано") || strings.Contains(page.Body, "http-equiv") {
		t.Errorf("an interrupted run:\n%.3000s", page.Body)
	}
	if err := s.App.DB.Exec("UPDATE intake_runs SET state = 'checked', done_rows = total_rows, heartbeat_at = ? WHERE id = ?",
		time.Now().UTC(), runID).Error; err != nil {
		t.Fatal(err)
	}
}

func checkProfilePage(t *testing.T, s *apptest.Server, c *http.Client, id int64) {
	t.Helper()
	path := s.Path(fmt.Sprintf("/admin/import/profiles/%d", id))
	page := apptest.Get(t, c, path)
	for _, want := range []string{`name="headers.card_number" value="Номер картки | № картки | Номер звернення"`,
		"Скарга = complaint", `<label for="f-headers.address">`} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("the profile page lacks %q", want)
		}
	}
	values := url.Values{"_csrf": {apptest.CSRF(t, page.Body)}, "name": {"1545, наша область"}, "source": {"1545"},
		"header_row": {"1"}, "date_formats": {"DD.MM.YYYY hh:mm\nDD.MM.YYYY"}}
	for _, f := range []string{"card_number", "registered_at", "last_name", "first_name", "text", "subject", "type", "result"} {
		values.Set("headers."+f, "Стовпець "+f)
	}
	values.Set("values.type", "Скарга = complaint\nЛист = letter")
	r := apptest.PostForm(t, c, path, values)
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `id="f-values.type-error"`) {
		t.Errorf("a map to an unknown code: %d\n%.2000s", r.Status, r.Body)
	}
	values.Set("values.type", "Скарга = complaint\nЛист = application")
	if r := apptest.PostForm(t, c, path, values); r.Status != http.StatusSeeOther {
		t.Errorf("saving the profile: %d\n%.2000s", r.Status, r.Body)
	}
	if page := apptest.Get(t, c, path); !strings.Contains(page.Body, "Лист = application") || !strings.Contains(page.Body, "1545, наша область") {
		t.Errorf("the saved profile:\n%.2000s", page.Body)
	}
}
