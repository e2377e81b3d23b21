package intake_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"gorm.io/gorm"

	"github.com/hromada/hromada/internal/attachment"
	"github.com/hromada/hromada/internal/audit"
	"github.com/hromada/hromada/internal/calendar"
	"github.com/hromada/hromada/internal/classifier"
	"github.com/hromada/hromada/internal/dbtest"
	"github.com/hromada/hromada/internal/department"
	"github.com/hromada/hromada/internal/errs"
	"github.com/hromada/hromada/internal/identity"
	"github.com/hromada/hromada/internal/intake"
	"github.com/hromada/hromada/internal/registry"
	"github.com/hromada/hromada/internal/source"
	"github.com/hromada/hromada/internal/steptest"
)

// scene is a council with the shipped 1545 profile, a head and an executor to answer a card.
type scene struct {
	db       *gorm.DB
	reg      *registry.Service
	in       *intake.Service
	src      *source.Source
	profile  *intake.Profile
	spec     *intake.Spec
	head     int64
	executor int64
	dept     int64
	kyiv     *time.Location
	day      time.Time // the cards' day of registration: three days ago in Kyiv
	appeals  int64
	runID    int64
}

func as(person int64) context.Context {
	return audit.WithActor(context.Background(), audit.Actor{PersonID: person, IP: "198.51.100.7"})
}

func newScene(t *testing.T) *scene {
	t.Helper()
	gdb := dbtest.Open(t)
	clf, err := classifier.Load()
	if err != nil {
		t.Fatal(err)
	}
	store, err := attachment.NewStore(t.TempDir(), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	kyiv, err := time.LoadLocation("Europe/Kyiv")
	if err != nil {
		t.Fatal(err)
	}
	reg := registry.NewService(gdb, clf, store, registry.Options{Timezone: kyiv, IndexPattern: "{letter}-{seq}/{yy}",
		MaxAttachments: 3, Letters: registry.LetterOptions{SignatoryTitle: "Міський голова", SignatoryName: "Василь КРАВЧЕНКО"}})
	sources := source.NewService(gdb, clf.Channels.Has)
	sc := &scene{db: gdb, reg: reg, kyiv: kyiv,
		in: intake.NewService(gdb, clf, intake.Options{Registry: reg, Sources: sources, Clock: calendar.NewClock(kyiv, nil)})}
	ctx := context.Background()
	if sc.src, err = sources.ByCode(ctx, source.GovHotline); err != nil {
		t.Fatal(err)
	}
	if sc.profile, err = sc.in.ForSource(ctx, sc.src.ID, 0); err != nil {
		t.Fatalf("the shipped 1545 profile: %v", err)
	}
	if sc.spec, err = sc.profile.Spec(); err != nil {
		t.Fatal(err)
	}
	now := time.Now().In(kyiv)
	sc.day = time.Date(now.Year(), now.Month(), now.Day()-3, 9, 30, 0, 0, kyiv)
	people := identity.NewService(gdb, []byte("test-secret-test-secret-test-secret"))
	dep, err := department.NewService(gdb).Create(ctx, "Управління житлово-комунального господарства", "")
	if err != nil {
		t.Fatal(err)
	}
	sc.dept = dep.ID
	for i, s := range []struct {
		id   *int64
		role string
	}{{&sc.head, identity.RoleHead}, {&sc.executor, identity.RoleExecutor}} {
		email := fmt.Sprintf("staff%d@rada.example", i)
		p, err := people.SignIn(ctx, identity.Claims{Issuer: "i", Subject: email, TaxID: fmt.Sprintf("%010d", 2000000100+i),
			LastName: "Мельник", GivenName: "Тарас", Email: email, EmailVerified: true})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := people.GrantRole(ctx, email, s.role, "test"); err != nil {
			t.Fatal(err)
		}
		if err := people.SetDepartment(ctx, gdb, p.ID, dep.ID); err != nil {
			t.Fatal(err)
		}
		*s.id = p.ID
	}
	return sc
}

// card is one row of a 1545 export, by the profile's fields.
type card map[string]any

func (sc *scene) cardOf(n int) card {
	return card{"card_number": fmt.Sprintf("1545-%06d", n), "registered_at": sc.day.Add(time.Duration(n) * time.Minute).Format("02.01.2006 15:04"),
		"control_date": sc.day.AddDate(0, 0, 10).Format("02.01.2006"), "last_name": "Коваленко", "first_name": "Олена",
		"patronymic": "Петрівна", "address": fmt.Sprintf("м. Зразкове, вул. Соборна, %d", n), "phone": "+380501234567",
		"email": "", "category": "ВПО", "social_status": "Пенсіонер", "text": "Немає гарячої води третій тиждень у будинку.",
		"subject": "Комунальне господарство", "type": "Скарга", "sign": "Первинне", "urgency": "Звичайне",
		"responsible_body": "Зразкова міська рада"}
}

// xlsxOf writes an export with the profile's first header of every field a card has, as the contact
// centre's cabinet would.
func (sc *scene) xlsxOf(t *testing.T, cards []card) []byte {
	t.Helper()
	var fields []string
	for _, f := range intake.Fields {
		if _, ok := cards[0][f.Name]; ok {
			fields = append(fields, f.Name)
		}
	}
	f := excelize.NewFile()
	defer f.Close()
	sheet := f.GetSheetName(0)
	for i, field := range fields {
		c, ok := sc.spec.Column(field)
		if !ok {
			t.Fatalf("the 1545 profile has no %s", field)
		}
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		if err := f.SetCellValue(sheet, cell, c.Headers[0]); err != nil {
			t.Fatal(err)
		}
		for r, cd := range cards {
			cell, _ := excelize.CoordinatesToCellName(i+1, r+2)
			if err := f.SetCellValue(sheet, cell, cd[field]); err != nil {
				t.Fatal(err)
			}
		}
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// An XLSX of 1545 cards comes in through the shipped profile: previewed, confirmed in the background with
// its progress in the database, imported once; an updated export adds only its new cards and reports a
// changed one without touching it; bad rows are located and refuse the file whole; the answered cards go
// back in the source's layout and read back.
func TestHotlineCardsComeInOnceAndResultsGoBack(t *testing.T) {
	steptest.Run(t, newScene(t), []steptest.Step[*scene]{
		{Name: "a first export is previewed and imported", Run: importFirstExport},
		{Name: "an updated export adds only new cards", Run: reimportUpdatedExport},
		{Name: "bad rows are located and nothing is imported", Run: refuseBadRows},
		{Name: "the answered cards go back in the source's layout", Run: resultsBack},
	})
}

func (sc *scene) count(t *testing.T) int64 {
	t.Helper()
	var n int64
	if err := sc.db.Table("appeals").Where("source_id = ?", sc.src.ID).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// runFile starts a run, waits for the background check and returns it.
func (sc *scene) runFile(t *testing.T, name string, content []byte) *intake.Run {
	t.Helper()
	run, err := sc.in.Start(as(sc.head), sc.profile.ID, name, content, dbtest.Quiet())
	if err != nil {
		t.Fatal(err)
	}
	sc.in.Wait()
	got, err := sc.in.Run(context.Background(), run.ID)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func importFirstExport(t *testing.T, sc *scene) {
	cards := []card{sc.cardOf(1), sc.cardOf(2), sc.cardOf(3)}
	// A date as the spreadsheet keeps it (a serial number with a date style), not as text.
	cards[2]["registered_at"] = time.Date(sc.day.Year(), sc.day.Month(), sc.day.Day(), 11, 0, 0, 0, time.UTC)
	cards[1]["subject"] = "09; Житлова політика"
	cards[1]["category"] = "ВПО; УБД"
	run := sc.runFile(t, "1545.xlsx", sc.xlsxOf(t, cards))
	pv, err := run.PreviewOf()
	if err != nil || pv == nil {
		t.Fatalf("preview: %v", err)
	}
	if run.State != intake.StateChecked || len(pv.Problems) > 0 || len(pv.New) != 3 || len(pv.Known) != 0 {
		t.Fatalf("run %s, preview %+v", run.State, pv)
	}
	if run.TotalRows != 3 || run.DoneRows != 3 || run.Percent() != 100 {
		t.Errorf("progress %d of %d", run.DoneRows, run.TotalRows)
	}
	if sc.count(t) != 0 {
		t.Fatal("the preview registered cards")
	}
	if err := sc.in.Confirm(as(sc.head), run.ID, dbtest.Quiet()); err != nil {
		t.Fatal(err)
	}
	if err := sc.in.Confirm(as(sc.head), run.ID, dbtest.Quiet()); errs.CodeOf(err) != errs.Conflict {
		t.Errorf("a second confirmation: %v", err)
	}
	sc.in.Wait()
	run, _ = sc.in.Run(context.Background(), run.ID)
	out, err := run.OutcomeOf()
	if err != nil || run.State != intake.StateDone || len(out.Added) != 3 {
		t.Fatalf("after the import: %s %+v %v", run.State, out, err)
	}
	if sc.count(t) != 3 {
		t.Fatalf("%d appeals", sc.count(t))
	}
	a, err := sc.reg.AppealByExternal(context.Background(), sc.src.ID, "1545-000002")
	if err != nil {
		t.Fatal(err)
	}
	card, err := sc.reg.AppealForStaff(context.Background(), a.ID)
	if err != nil {
		t.Fatal(err)
	}
	var subjects []string
	for _, q := range card.Questions {
		subjects = append(subjects, q.SubjectCode)
	}
	due := time.Date(sc.day.Year(), sc.day.Month(), sc.day.Day()+10, 0, 0, 0, 0, time.UTC)
	if card.Channel != "gov_hotline" || card.Type != "complaint" || card.AuthorSocialStatus != "pensioner" ||
		card.AuthorCategories != "idp;combatant" || !slices.Equal(subjects, []string{"09", "10"}) || !card.DueDate.Equal(due) ||
		card.ExternalDate == nil || !strings.HasPrefix(card.RegIndex, "К-") {
		t.Errorf("the imported card: %+v subjects %v", card, subjects)
	}
	third, err := sc.reg.AppealByExternal(context.Background(), sc.src.ID, "1545-000003")
	if err != nil || third.ReceivedAt.In(sc.kyiv).Hour() != 11 {
		t.Errorf("a date kept as a spreadsheet serial: %v %v", third, err)
	}
	sc.appeals = a.ID
}

func reimportUpdatedExport(t *testing.T, sc *scene) {
	cards := []card{sc.cardOf(1), sc.cardOf(2), sc.cardOf(3), sc.cardOf(4), sc.cardOf(5)}
	cards[2]["registered_at"] = time.Date(sc.day.Year(), sc.day.Month(), sc.day.Day(), 11, 0, 0, 0, time.UTC)
	cards[1]["subject"], cards[1]["category"] = "09; Житлова політика", "ВПО; УБД"
	cards[0]["address"] = "м. Зразкове, вул. Нова, 7" // the centre corrected the address
	run := sc.runFile(t, "1545-updated.xlsx", sc.xlsxOf(t, cards))
	pv, _ := run.PreviewOf()
	if run.State != intake.StateChecked || len(pv.New) != 2 || len(pv.Known) != 3 || pv.Changed() != 1 {
		t.Fatalf("preview of the updated export: %s %+v", run.State, pv)
	}
	if k := pv.Known[0]; k.Number != "1545-000001" || !slices.Equal(k.Changed, []string{"Адреса"}) || k.Line != 2 {
		t.Errorf("the changed card: %+v", k)
	}
	if err := sc.in.Confirm(as(sc.head), run.ID, dbtest.Quiet()); err != nil {
		t.Fatal(err)
	}
	sc.in.Wait()
	run, _ = sc.in.Run(context.Background(), run.ID)
	out, _ := run.OutcomeOf()
	if run.State != intake.StateDone || len(out.Added) != 2 || out.Known != 3 || out.Changed != 1 || sc.count(t) != 5 {
		t.Fatalf("after the second import: %s %+v, %d appeals", run.State, out, sc.count(t))
	}
	first, _ := sc.reg.AppealByExternal(context.Background(), sc.src.ID, "1545-000001")
	if first.AuthorAddress != "м. Зразкове, вул. Соборна, 1" {
		t.Errorf("a changed card was written over: %q", first.AuthorAddress)
	}
	// The same export once more: nothing to add, and the file is not kept.
	run = sc.runFile(t, "1545-updated.xlsx", sc.xlsxOf(t, cards))
	if pv, _ := run.PreviewOf(); run.State != intake.StateDone || len(pv.New) != 0 || sc.count(t) != 5 {
		t.Fatalf("the same export again: %s %+v", run.State, pv)
	}
}

func refuseBadRows(t *testing.T, sc *scene) {
	good, unknownType, badDate, noName, dup := sc.cardOf(6), sc.cardOf(7), sc.cardOf(8), sc.cardOf(9), sc.cardOf(6)
	unknownType["type"] = "Лист"
	badDate["registered_at"] = "31.02.2024"
	noName["last_name"] = ""
	run := sc.runFile(t, "bad.xlsx", sc.xlsxOf(t, []card{good, unknownType, badDate, noName, dup}))
	pv, _ := run.PreviewOf()
	if run.State != intake.StateRefused {
		t.Fatalf("a file with bad rows: %s %+v", run.State, pv)
	}
	type where struct {
		line          int
		column, value string
	}
	var got []where
	for _, p := range pv.Problems {
		got = append(got, where{p.Line, p.Column, p.Value})
	}
	want := []where{{3, "Тип звернення", "Лист"}, {4, "Дата реєстрації", "31.02.2024"}, {5, "Прізвище", ""}, {6, "Номер картки", "1545-000006"}}
	if !slices.Equal(got, want) {
		t.Errorf("problems %+v, want %+v", got, want)
	}
	if err := sc.in.Confirm(as(sc.head), run.ID, dbtest.Quiet()); errs.CodeOf(err) != errs.Conflict {
		t.Errorf("confirming a refused file: %v", err)
	}
	// Not an XLSX at all, and a CSV whose header lacks required columns.
	for name, content := range map[string][]byte{"broken.xlsx": []byte("PK\x03\x04 not a zip"),
		"cards.csv": []byte("Номер картки;Прізвище\n1545-1;Коваленко\n")} {
		run := sc.runFile(t, name, content)
		if pv, _ := run.PreviewOf(); run.State != intake.StateRefused || len(pv.Problems) == 0 {
			t.Errorf("%s: %s %+v", name, run.State, pv)
		}
	}
	// The same cards through Import directly: refused whole, nothing half imported.
	_, err := sc.in.Import(as(sc.head), sc.profile, "bad.xlsx", sc.xlsxOf(t, []card{good, unknownType}))
	if _, ok := err.(*intake.RefusedError); !ok || sc.count(t) != 5 {
		t.Errorf("Import of a bad file: %v, %d appeals", err, sc.count(t))
	}
}

func resultsBack(t *testing.T, sc *scene) {
	a := sc.appeals
	if err := sc.reg.Assign(as(sc.head), a, registry.AssignInput{Resolution: "Розглянути", DepartmentID: sc.dept}); err != nil {
		t.Fatal(err)
	}
	card, _ := sc.reg.AppealForStaff(context.Background(), a)
	results := map[int64]string{}
	for _, q := range card.Questions {
		results[q.ID] = "resolved"
	}
	if err := sc.reg.SubmitReply(as(sc.executor), a, registry.ReplyInput{DepartmentID: sc.dept,
		Text: "Гаряче водопостачання відновлено 12 березня.", Results: results}); err != nil {
		t.Fatal(err)
	}
	if err := sc.reg.ApproveReply(as(sc.head), a); err != nil {
		t.Fatal(err)
	}
	card, _ = sc.reg.AppealForStaff(context.Background(), a)
	today := time.Now().In(sc.kyiv)
	res, err := sc.in.Results(as(sc.head), sc.profile.ID, today.AddDate(0, 0, -7), today)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := res.WriteXLSX(&b); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&b)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	wantHeader := []string{"Номер картки", "Результат розгляду", "Дата відповіді", "Вихідний номер відповіді", "Текст відповіді", "Виконавець"}
	if len(rows) != 2 || !slices.Equal(rows[0], wantHeader) {
		t.Fatalf("results: %q", rows)
	}
	want := []string{"1545-000002", "Вирішено позитивно", card.AnsweredAt.In(sc.kyiv).Format("02.01.2006"), card.AnswerOutNumber,
		"Гаряче водопостачання відновлено 12 березня.", "Тарас МЕЛЬНИК"}
	if !slices.Equal(rows[1], want) || card.AnswerOutNumber == "" {
		t.Errorf("the answered card: %q, want %q", rows[1], want)
	}
	var c bytes.Buffer
	if err := res.WriteCSV(&c); err != nil {
		t.Fatal(err)
	}
	cr := csv.NewReader(strings.NewReader(strings.TrimPrefix(c.String(), "\ufeff")))
	cr.Comma = ';'
	recs, err := cr.ReadAll()
	if err != nil || len(recs) != 2 || !slices.Equal(recs[1], want) {
		t.Errorf("CSV results: %q %v", recs, err)
	}
	// Another period has nothing; the export is in the audit log.
	if res, err := sc.in.Results(as(sc.head), sc.profile.ID, today.AddDate(0, 0, -30), today.AddDate(0, 0, -20)); err != nil || len(res.Rows) != 0 {
		t.Errorf("an empty period: %v %v", res, err)
	}
	var n int64
	if err := sc.db.Table("audit_log").Where("action = ?", "intake.results").Count(&n).Error; err != nil || n != 2 {
		t.Errorf("audited results: %d %v", n, err)
	}
}

// Profiles are data a clerk writes: checked field by field, saved and audited.
func TestProfilesAreCheckedAndSaved(t *testing.T) {
	sc := newScene(t)
	ctx := as(sc.head)
	in, err := sc.profile.InputOf()
	if err != nil {
		t.Fatal(err)
	}
	in.Name = "1545, Зразкова область"
	in.Values["type"] += "Лист = letter\n"
	in.Headers["phone"] = "Адреса"
	in.DateFormats = []string{"DD.MM.YYYY", "день.місяць"}
	in.HeaderRow = 0
	_, err = sc.in.Create(ctx, in)
	var v map[string]string
	if e := errs.As(err, errs.Invalid); e != nil {
		v = e.Fields
	}
	for _, field := range []string{"values.type", "headers.phone", "date_formats", "header_row"} {
		if v[field] == "" {
			t.Errorf("no problem for %s: %v", field, err)
		}
	}
	in, _ = sc.profile.InputOf()
	in.Name = "1545, Зразкова область"
	in.Values["type"] += "Лист = application\n"
	p, err := sc.in.Create(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	spec, err := p.Spec()
	if err != nil {
		t.Fatal(err)
	}
	if code, ok := spec.Values["type"]; !ok || code[len(code)-1] != (intake.Pair{Their: "Лист", Ours: "application"}) {
		t.Errorf("the saved map: %+v", spec.Values["type"])
	}
	if _, err := sc.in.Create(ctx, in); errs.CodeOf(err) != errs.Invalid {
		t.Errorf("a second profile by the same name: %v", err)
	}
	var n int64
	if err := sc.db.Table("audit_log").Where("action = ?", "intake.profile_create").Count(&n).Error; err != nil || n != 1 {
		t.Errorf("audited: %d %v", n, err)
	}
}

// A hotline's export is kept only while a clerk needs it: a file not imported within a day is dropped,
// a run whose worker stopped is marked failed, every run is deleted after a week.
func TestRunsAreNotKeptForEver(t *testing.T) {
	sc := newScene(t)
	checked := sc.runFile(t, "1545.xlsx", sc.xlsxOf(t, []card{sc.cardOf(1)}))
	stuck := sc.runFile(t, "1545-stuck.xlsx", sc.xlsxOf(t, []card{sc.cardOf(2)}))
	// As if its instance had stopped while reading: still "checking", no heartbeat since.
	if err := sc.db.Table("intake_runs").Where("id = ?", stuck.ID).Updates(map[string]any{"state": intake.StateChecking,
		"heartbeat_at": time.Now().UTC().Add(-time.Hour)}).Error; err != nil {
		t.Fatal(err)
	}
	content := func(id int64) int64 {
		var n int64
		if err := sc.db.Table("intake_runs").Where("id = ? AND content IS NOT NULL", id).Count(&n).Error; err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n, err := sc.in.Expire(context.Background(), time.Now()); err != nil || n != 0 || content(checked.ID) != 1 {
		t.Fatalf("at once: deleted %d, %v; the fresh file kept: %d", n, err, content(checked.ID))
	}
	if r, err := sc.in.Run(context.Background(), stuck.ID); err != nil || r.State != intake.StateFailed || content(stuck.ID) != 0 {
		t.Fatalf("the interrupted run: %+v %v", r, err)
	}
	if _, err := sc.in.Expire(context.Background(), time.Now().Add(25*time.Hour)); err != nil || content(checked.ID) != 0 {
		t.Fatalf("a day later the file is kept: %v", err)
	}
	if r, err := sc.in.Run(context.Background(), checked.ID); err != nil || r.State != intake.StateChecked {
		t.Fatalf("a day later the preview is gone: %+v %v", r, err)
	}
	// Confirmed after its file is gone: refused with a message, nothing imported.
	if err := sc.in.Confirm(as(sc.head), checked.ID, dbtest.Quiet()); err != nil {
		t.Fatal(err)
	}
	sc.in.Wait()
	if r, err := sc.in.Run(context.Background(), checked.ID); err != nil || r.State != intake.StateFailed || !strings.Contains(r.Outcome, "intake.error.file_expired") || sc.count(t) != 0 {
		t.Fatalf("confirmed without its file: %+v %v", r, err)
	}
	if n, err := sc.in.Expire(context.Background(), time.Now().Add(8*24*time.Hour)); err != nil || n != 2 {
		t.Fatalf("a week later: deleted %d, %v", n, err)
	}
}
