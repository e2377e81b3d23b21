package report_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/hromada/hromada/internal/dbtest"
	"github.com/hromada/hromada/internal/pdftest"
	"github.com/hromada/hromada/internal/report"
	"github.com/hromada/hromada/internal/report/reporttest"
)

// jsonReport is the JSON export read back: the figures the words are checked against.
type jsonReport struct {
	jsonFigures
	Previous        jsonFigures       `json:"previous"`
	PreviousQuarter jsonFigures       `json:"previous_quarter"`
	Departments     report.Timetable  `json:"departments"`
	Settlements     report.Timetable  `json:"settlements"`
	DepartmentNames map[string]string `json:"-"`
	Narrative       []string          `json:"narrative"`
}

type jsonFigures struct {
	Period       report.Period             `json:"period"`
	Appeals      int64                     `json:"appeals"`
	Questions    int64                     `json:"questions"`
	Citizens     int64                     `json:"citizens"`
	Overdue      int64                     `json:"overdue"`
	ByChannel    map[string]int64          `json:"by_channel"`
	ByCategory   map[string]int64          `json:"by_category"`
	ByResult     map[string]int64          `json:"by_result"`
	BySubject    map[string]report.Subject `json:"by_subject"`
	ByDepartment map[string]int64          `json:"by_department"`
	BySettlement map[string]int64          `json:"by_settlement"`
	Petitions    report.Petitions          `json:"petitions"`
	Form1        report.Form1              `json:"form1"`
}

func readJSON(t *testing.T, r *report.Report, lang string) jsonReport {
	t.Helper()
	var buf bytes.Buffer
	if err := r.Write(&buf, "json", output(t, lang)); err != nil {
		t.Fatal(err)
	}
	var j jsonReport
	if err := json.Unmarshal(buf.Bytes(), &j); err != nil {
		t.Fatal(err)
	}
	return j
}

func knownReport(t *testing.T) (*report.Report, int64) {
	t.Helper()
	gdb := dbtest.Open(t)
	depID := reporttest.Insert(t, gdb)
	r, err := report.Compute(context.Background(), gdb, reporttest.From, reporttest.To, reporttest.Kyiv)
	if err != nil {
		t.Fatal(err)
	}
	return r, depID
}

// Every figure the words give is the JSON's: each sentence is rebuilt here from the JSON export and must
// appear in the narrative the JSON carries, which is the one the other exports and the page show.
func TestWordsAgreeWithJSON(t *testing.T) {
	r, depID := knownReport(t)
	j := readJSON(t, r, "uk")
	if !slices.Equal(j.Narrative, r.Paragraphs(output(t, "uk"))) || len(j.Narrative) < 10 {
		t.Fatalf("the JSON's narrative is not the report's paragraphs:\n%q", j.Narrative)
	}
	text := strings.Join(j.Narrative, "\n\n")
	pct := func(n, of int64) int64 { return (n*200 + of) / (2 * of) }
	row := func(f report.Form1, key string) int64 {
		for _, r := range f.Rows {
			if r.Key == key {
				return r.Total
			}
		}
		return 0
	}
	gov, oda := row(j.Form1, "gov_hotline"), row(j.Form1, "oda_hotline")
	s09, s06, s10 := j.BySubject["09"].Count, j.BySubject["06"].Count, j.BySubject["10"].Count
	dep := j.Departments.Rows[0]
	wants := []string{
		fmt.Sprintf("надійшло %d звернень (громадян – %d), що на %d звернень більше, ніж у IV кварталі 2023 року (%d), та на %d звернень більше, ніж у І кварталі 2023 року (%d).",
			j.Appeals, j.Citizens, j.Appeals-j.PreviousQuarter.Appeals, j.PreviousQuarter.Appeals, j.Appeals-j.Previous.Appeals, j.Previous.Appeals),
		fmt.Sprintf("%d%% (або %d) звернулися на урядову телефонну «гарячу лінію» (%d) та гарячу лінію голови облдержадміністрації (%d).",
			pct(gov+oda, j.Appeals), gov+oda, gov, oda),
		fmt.Sprintf("засобами електронного зв’язку надійшло %d звернення", j.ByChannel["portal"]+j.ByChannel["email"]),
		fmt.Sprintf("Через засоби телефонного зв’язку у І кварталі 2024 року надійшло %d звернення.", j.ByChannel["phone"]),
		fmt.Sprintf("На особистих прийомах прийнято %d звернення.", j.ByChannel["reception"]),
		fmt.Sprintf("порушено %d питань, з них питому вагу складають питання комунального господарства – %d або %d%%, соціального захисту – %d або %d%%, житлової політики – %d або %d%%.",
			j.Questions, s09, pct(s09, j.Questions), s06, pct(s06, j.Questions), s10, pct(s10, j.Questions)),
		fmt.Sprintf("Із порушенням терміну розглянуто або перебувають на розгляді %d звернення. З них: Управління житлово-комунального господарства – %d, виконавця не визначено – %d.",
			j.Overdue, dep.Late+dep.Overdue, j.Departments.Rows[1].Late+j.Departments.Rows[1].Overdue),
		fmt.Sprintf("За результатами розгляду: вирішено позитивно – %d, відмовлено у задоволенні – %d, дано роз’яснення – %d, надіслано за належністю – %d, залишено без розгляду – %d, ще розглядаються – %d.",
			j.ByResult["resolved"], j.ByResult["refused"], j.ByResult["explained"], j.ByResult["forwarded"], j.ByResult["not_considered"], j.ByResult["pending"]),
		fmt.Sprintf("Колективних звернень – %d, повторних – %d.", j.Form1.Total.Collective, j.Form1.Total.Repeat),
		fmt.Sprintf("Від громадян пільгових категорій надійшло %d звернення (%d%%), з них від учасників бойових дій (зокрема АТО/ООС) – %d, внутрішньо переміщених осіб (ВПО) – %d.",
			j.Form1.Total.Priority, pct(j.Form1.Total.Priority, j.Appeals), j.ByCategory["combatant"], j.ByCategory["idp"]),
		fmt.Sprintf("За населеними пунктами громади: Зелене – %d (%s%%), Зразкове – %d (%s%%), населений пункт не визначено – %d (%s%%).",
			j.Settlements.Rows[0].Received, comma(j.Settlements.Rows[0].Share), j.Settlements.Rows[1].Received, comma(j.Settlements.Rows[1].Share),
			j.Settlements.Rows[2].Received, comma(j.Settlements.Rows[2].Share)),
		fmt.Sprintf("Управління житлово-комунального господарства – надійшло %d, розглянуто вчасно – %d, із порушенням терміну – %d, прострочено на розгляді – %d.",
			dep.Received, dep.OnTime, dep.Late, dep.Overdue),
		fmt.Sprintf("Місцевих електронних петицій створено – %d, оприлюднено – %d, набрали необхідну кількість підписів – %d, розглянуто з наданням відповіді – %d.",
			j.Petitions.Created, j.Petitions.Published, j.Petitions.ThresholdReached, j.Petitions.Answered),
	}
	for _, want := range wants {
		if !strings.Contains(text, want) {
			t.Errorf("the narrative lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "без порушення терміну") {
		t.Errorf("%d overdue, yet the words say none is:\n%s", j.Overdue, text)
	}
	if dep.Key != itoa(depID) || j.Departments.Rows[1].Key != "unassigned" || j.Settlements.Rows[2].Key != "undetermined" {
		t.Errorf("rows: departments %+v, settlements %+v", j.Departments.Rows, j.Settlements.Rows)
	}
	checkTables(t, j)
	// The English words carry the same figures.
	en := strings.Join(readJSON(t, r, "en").Narrative, "\n\n")
	for _, want := range []string{
		fmt.Sprintf("received %d appeals for consideration from %d citizens, %d more than in Q4 2023 (%d) and %d more than in Q1 2023 (%d).",
			j.Appeals, j.Citizens, j.Appeals-j.PreviousQuarter.Appeals, j.PreviousQuarter.Appeals, j.Appeals-j.Previous.Appeals, j.Previous.Appeals),
		fmt.Sprintf("%d appeals were considered or are pending past their due date. Of them: Housing and Utilities – %d, no executor assigned – %d.",
			j.Overdue, dep.Late+dep.Overdue, j.Departments.Rows[1].Late+j.Departments.Rows[1].Overdue),
		fmt.Sprintf("Collective appeals: %d; repeat appeals: %d.", j.Form1.Total.Collective, j.Form1.Total.Repeat),
		fmt.Sprintf("%d appeals (%d%%) came from citizens of priority categories; of them: combatant (incl. ATO/JFO) – %d, internally displaced person (IDP) – %d.",
			j.Form1.Total.Priority, pct(j.Form1.Total.Priority, j.Appeals), j.ByCategory["combatant"], j.ByCategory["idp"]),
		fmt.Sprintf("Housing and Utilities – received %d, answered on time %d, late %d, overdue and still open %d.", dep.Received, dep.OnTime, dep.Late, dep.Overdue),
		fmt.Sprintf("Local e-petitions: created – %d, published – %d, reached the threshold – %d, answered – %d.",
			j.Petitions.Created, j.Petitions.Published, j.Petitions.ThresholdReached, j.Petitions.Answered),
	} {
		if !strings.Contains(en, want) {
			t.Errorf("the English narrative lacks %q:\n%s", want, en)
		}
	}
}

func comma(v float64) string { return strings.Replace(fmt.Sprintf("%.1f", v), ".", ",", 1) }

// The tables agree with the JSON's figures and with themselves: each row's columns add up to what it
// received, late and overdue over the departments are the report's overdue, the rows add up to the total
// and to the appeals, and the preceding periods' columns are their by_department and by_settlement.
func checkTables(t *testing.T, j jsonReport) {
	t.Helper()
	for name, c := range map[string]struct {
		table                report.Timetable
		cur, before, earlier map[string]int64
	}{
		"departments": {j.Departments, j.ByDepartment, j.PreviousQuarter.ByDepartment, j.Previous.ByDepartment},
		"settlements": {j.Settlements, j.BySettlement, j.PreviousQuarter.BySettlement, j.Previous.BySettlement},
	} {
		var sum report.Timeliness
		for _, r := range c.table.Rows {
			if r.OnTime+r.Late+r.Overdue+r.Pending != r.Received || r.Received != c.cur[r.Key] ||
				r.PreviousPeriod != c.before[r.Key] || r.PreviousYear != c.earlier[r.Key] {
				t.Errorf("%s row %+v does not agree with by_…: %d, %d, %d", name, r, c.cur[r.Key], c.before[r.Key], c.earlier[r.Key])
			}
			sum.Received += r.Received
			sum.Late += r.Late
			sum.Overdue += r.Overdue
			sum.OnTime += r.OnTime
		}
		tot := c.table.Total
		if sum.Received != j.Appeals || tot.Received != j.Appeals || sum.Late+sum.Overdue != j.Overdue ||
			tot.Late+tot.Overdue != j.Overdue || tot.OnTime != sum.OnTime || tot.Share != 100 {
			t.Errorf("%s: rows sum to %+v, total %+v; appeals %d, overdue %d", name, sum, tot, j.Appeals, j.Overdue)
		}
	}
	// By hand: the department's two appeals are open past their due date; of the thirteen unassigned one
	// was answered late (the telephone appeal answered at 00:30 the day after), twelve on time.
	want := []report.Timeliness{
		{Received: 2, Share: 13.3, Overdue: 2},
		{Key: "unassigned", Received: 13, Share: 86.7, OnTime: 12, Late: 1, PreviousPeriod: 1, PreviousYear: 2},
	}
	for i, w := range want {
		got := j.Departments.Rows[i]
		w.Key = got.Key
		if i == 1 {
			w.Key = "unassigned"
		}
		got.AverageDays = 0
		if got != w {
			t.Errorf("departments row %d = %+v, want %+v", i, got, w)
		}
	}
	if avg := j.Departments.Rows[1].AverageDays; avg < 10 || avg > 30 {
		t.Errorf("average days to answer of the unassigned: %.1f", avg)
	}
}

// previous_quarter is the quarter before (Q4 2023: the one appeal of 31 December in Kyiv), with every
// figure the period has; the JSON says so, and the totals table puts it beside the year earlier.
func TestPreviousQuarter(t *testing.T) {
	r, _ := knownReport(t)
	j := readJSON(t, r, "uk")
	p := j.PreviousQuarter
	if p.Period != (report.Period{From: "2023-10-01", To: "2023-12-31"}) || p.Appeals != 1 || p.ByChannel["mail"] != 1 ||
		p.Questions != 1 || p.BySubject["01"].Count != 1 || p.Form1.Total.Total != 1 {
		t.Errorf("previous_quarter = %+v", p)
	}
	if j.Previous.Period != (report.Period{From: "2023-01-01", To: "2023-03-31"}) || j.Previous.Appeals != 2 {
		t.Errorf("previous = %+v", j.Previous)
	}
	o := output(t, "uk")
	if s := r.Summary(o)[0]; s.Value != 15 || s.Previous != 2 || s.PreviousPeriod != 1 {
		t.Errorf("summary: %+v", s)
	}
	if got := r.PreviousPeriodName(o); got != "Попередній квартал (2023-10-01 – 2023-12-31)" {
		t.Errorf("PreviousPeriodName = %q", got)
	}
	d := func(y int, m time.Month, day int) time.Time { return time.Date(y, m, day, 0, 0, 0, 0, time.UTC) }
	for _, c := range []struct{ from, to, wantFrom, wantTo time.Time }{
		{d(2024, 1, 1), d(2024, 3, 31), d(2023, 10, 1), d(2023, 12, 31)},
		{d(2024, 4, 1), d(2024, 6, 30), d(2024, 1, 1), d(2024, 3, 31)},
		{d(2024, 3, 1), d(2024, 3, 31), d(2024, 2, 1), d(2024, 2, 29)},
		{d(2024, 1, 1), d(2024, 12, 31), d(2023, 1, 1), d(2023, 12, 31)},
		{d(2024, 3, 10), d(2024, 3, 19), d(2024, 2, 29), d(2024, 3, 9)}, // ten days before, over 29 February
		{d(2024, 2, 1), d(2024, 4, 30), d(2023, 11, 3), d(2024, 1, 31)}, // 90 days: not a quarter
	} {
		from, to := report.PrecedingPeriod(c.from, c.to)
		if !from.Equal(c.wantFrom) || !to.Equal(c.wantTo) {
			t.Errorf("PrecedingPeriod(%s, %s) = %s, %s; want %s, %s", c.from.Format(time.DateOnly), c.to.Format(time.DateOnly),
				from.Format(time.DateOnly), to.Format(time.DateOnly), c.wantFrom.Format(time.DateOnly), c.wantTo.Format(time.DateOnly))
		}
	}
}

// "усі розглянуто без порушення терміну" appears exactly when no appeal of the period is overdue.
func TestOnTimeWordsExactlyWhenNoneOverdue(t *testing.T) {
	gdb := dbtest.Open(t)
	a := reporttest.Appeal{Seq: 1, Received: time.Date(2024, 2, 1, 9, 0, 0, 0, time.UTC), Channel: "portal", Type: "complaint",
		Nature: "individual", Signers: 1, Sign: "primary", Status: "answered", Result: "resolved",
		Due: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC), Answered: ptr(time.Date(2024, 2, 10, 9, 0, 0, 0, time.UTC))}
	reporttest.QuestionRow(t, gdb, reporttest.AppealRow(t, gdb, a), 1, "09")
	const phrase = "Усі звернення розглянуто без порушення терміну виконання."
	words := func() (*report.Report, string) {
		r, err := report.Compute(context.Background(), gdb, reporttest.From, reporttest.To, reporttest.Kyiv)
		if err != nil {
			t.Fatal(err)
		}
		return r, r.Narrative(output(t, "uk"))
	}
	r, text := words()
	if r.Overdue != 0 || !strings.Contains(text, phrase) || strings.Contains(text, "Із порушенням терміну") {
		t.Errorf("overdue %d:\n%s", r.Overdue, text)
	}
	if en := r.Narrative(output(t, "en")); !strings.Contains(en, "All appeals were considered without breaching the term.") {
		t.Errorf("English:\n%s", en)
	}
	// An appeal still open long after its due date: the words say how many and where.
	a.Seq, a.Status, a.Result, a.Answered = 2, "in_progress", "", nil
	reporttest.QuestionRow(t, gdb, reporttest.AppealRow(t, gdb, a), 1, "09")
	r, text = words()
	if r.Overdue != 1 || strings.Contains(text, "без порушення терміну") ||
		!strings.Contains(text, "Із порушенням терміну розглянуто або перебуває на розгляді 1 звернення. З них: виконавця не визначено – 1.") {
		t.Errorf("overdue %d:\n%s", r.Overdue, text)
	}
	// An appeal out of deadline control (anonymous, Art. 8) open as long: no term to miss, so neither the
	// words nor the tables count it late; it is pending.
	a.Seq = 3
	id := reporttest.AppealRow(t, gdb, a)
	reporttest.QuestionRow(t, gdb, id, 1, "09")
	if err := gdb.Exec("UPDATE appeals SET uncontrolled = ? WHERE id = ?", true, id).Error; err != nil {
		t.Fatal(err)
	}
	r, _ = words()
	if tot := r.Departments.Total; r.Overdue != 1 || tot.Overdue != 1 || tot.Pending != 1 || tot.OnTime != 1 || tot.Received != 3 {
		t.Errorf("overdue %d, departments' total %+v", r.Overdue, tot)
	}
}

func ptr[T any](v T) *T { return &v }

// The narrative and the tables are in every export: the CSV's narrative and table lines, the XLSX's
// sheets, the PDF's text.
func TestWordsAndTablesInEveryExport(t *testing.T) {
	r, depID := knownReport(t)
	o := output(t, "uk")
	paragraphs := r.Paragraphs(o)
	var buf bytes.Buffer
	if err := r.WriteCSV(&buf, o); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var csvWords []string
	lines := map[string]bool{}
	for _, row := range rows {
		if row[0] == "narrative" {
			csvWords = append(csvWords, row[2])
		}
		lines[strings.Join(row, "|")] = true
	}
	if !slices.Equal(csvWords, paragraphs) {
		t.Errorf("CSV narrative %q", csvWords)
	}
	for _, want := range []string{
		"departments|" + itoa(depID) + "|Управління житлово-комунального господарства|overdue|2||",
		"departments|unassigned|Не призначено|late|1||", "departments|total|Усього|received|15||",
		"settlements|undetermined|Не визначено|share|20.0||", "summary|appeals|Звернень||15|2|1",
	} {
		if !lines[want] {
			t.Errorf("CSV lacks the line %q", want)
		}
	}

	buf.Reset()
	if err := r.WriteXLSX(&buf, o); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	sheet, err := x.GetRows("Описова частина")
	if err != nil {
		t.Fatal(err)
	}
	var xlsxWords []string
	for _, row := range sheet[3:] { // after the title, the period and the identities
		if len(row) == 0 {
			continue
		}
		xlsxWords = append(xlsxWords, row[0])
	}
	if !slices.Equal(xlsxWords, paragraphs) {
		t.Errorf("XLSX narrative %q", xlsxWords)
	}
	tables, err := x.GetRows("Виконавці й населені пункти")
	if err != nil {
		t.Fatal(err)
	}
	if row := findRow(tables, "Управління житлово-комунального господарства"); strings.Join(row, "|") != "Управління житлово-комунального господарства|2|13.3|0|0|2|0|0|0|0" {
		t.Errorf("XLSX department row: %q", row)
	}
	if row := findRow(tables, "Зелене"); len(row) < 10 || row[1] != "4" || row[9] != "2" {
		t.Errorf("XLSX settlement row: %q", row)
	}

	buf.Reset()
	if err := r.WritePDF(&buf, o); err != nil {
		t.Fatal(err)
	}
	text := pdftest.Flat(pdftest.Text(t, buf.Bytes()))
	for _, s := range pdftest.Sentences(strings.Join(paragraphs, "\n\n")) {
		if !strings.Contains(text, s) {
			t.Errorf("the PDF's text lacks the sentence whole: %q", s)
		}
	}
	for _, want := range []string{"Розгляд звернень за виконавчими органами", "Звернення за населеними пунктами", "Попередній квартал"} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF lacks %q", want)
		}
	}
}
