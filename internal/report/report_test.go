package report_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/hromada/hromada/internal/classifier"
	"github.com/hromada/hromada/internal/dbtest"
	"github.com/hromada/hromada/internal/i18n"
	"github.com/hromada/hromada/internal/pdftest"
	"github.com/hromada/hromada/internal/report"
	"github.com/hromada/hromada/internal/report/reporttest"
)

func output(t *testing.T, lang string) report.Output {
	t.Helper()
	clf, err := classifier.Load()
	if err != nil {
		t.Fatal(err)
	}
	tr, err := i18n.NewTranslator()
	if err != nil {
		t.Fatal(err)
	}
	return report.Output{Council: i18n.Text{UK: "Зразкова міська рада"}, Lang: lang, Classifier: clf, L: tr.For(lang)}
}

// known is the report of the known data set (reporttest) that TestKnownCounts checks part by part.
type known struct {
	r     *report.Report
	depID int64
}

func TestKnownCounts(t *testing.T) {
	gdb := dbtest.Open(t)
	k := known{depID: reporttest.Insert(t, gdb)}
	var err error
	if k.r, err = report.Compute(context.Background(), gdb, reporttest.From, reporttest.To, reporttest.Kyiv); err != nil {
		t.Fatal(err)
	}
	t.Run("figures and breakdowns", func(t *testing.T) { checkKnownFigures(t, k) })
	t.Run("departments, subjects, petitions, a year earlier", func(t *testing.T) { checkKnownSubjects(t, k) })
	t.Run("form 1", func(t *testing.T) { checkKnownForm1(t, k) })
	t.Run("by settlement", func(t *testing.T) { checkKnownSettlements(t, k) })
	t.Run("JSON", func(t *testing.T) { checkKnownJSON(t, k) })
	t.Run("XLSX", func(t *testing.T) { checkKnownXLSX(t, k) })
	t.Run("CSV and PDF", func(t *testing.T) { checkKnownCSVAndPDF(t, k) })
	t.Run("the PDF as a person reads it", func(t *testing.T) { checkKnownPDFRead(t, k) })
	t.Run("the narrative", func(t *testing.T) { checkKnownNarrative(t, k) })
}

func checkKnownFigures(t *testing.T, k known) {
	r := k.r
	want := reporttest.Expected
	if r.Appeals != want.Appeals || r.Questions != want.Questions || r.Citizens != want.Citizens || r.Overdue != want.Overdue {
		t.Errorf("appeals %d questions %d citizens %d overdue %d, want %d %d %d %d", r.Appeals, r.Questions, r.Citizens,
			r.Overdue, want.Appeals, want.Questions, want.Citizens, want.Overdue)
	}
	for name, pair := range map[string][2]map[string]int64{
		"by_channel": {r.ByChannel, want.ByChannel}, "by_type": {r.ByType, want.ByType},
		"by_nature": {r.ByNature, want.ByNature}, "by_sign": {r.BySign, want.BySign},
		"by_result": {r.ByResult, want.ByResult}, "by_gender": {r.ByGender, want.ByGender},
		"by_category": {r.ByCategory, want.ByCategory}, "by_social_status": {r.BySocialStatus, want.BySocialStatus},
	} {
		if !maps.Equal(pair[0], pair[1]) {
			t.Errorf("%s = %v, want %v", name, pair[0], pair[1])
		}
	}
}

func checkKnownSubjects(t *testing.T, k known) {
	r, depID, want := k.r, k.depID, reporttest.Expected
	dep := map[string]int64{"unassigned": 13}
	dep[itoa(depID)] = 2
	if !maps.Equal(r.ByDepartment, dep) {
		t.Errorf("by_department = %v, want %v", r.ByDepartment, dep)
	}
	if r.DepartmentNames[itoa(depID)].UK != "Управління житлово-комунального господарства" {
		t.Errorf("department names: %v", r.DepartmentNames)
	}
	if len(r.BySubject) != len(want.Subjects) {
		t.Errorf("by_subject = %v", r.BySubject)
	}
	for code, n := range want.Subjects {
		if got := r.BySubject[code]; got.Count != n || got.Share != want.Shares[code] {
			t.Errorf("by_subject[%s] = %+v, want %d, %.1f", code, got, n, want.Shares[code])
		}
	}
	if r.Petitions != (report.Petitions{Created: 1, Published: 2, ThresholdReached: 1, Answered: 1}) {
		t.Errorf("petitions = %+v", r.Petitions)
	}
	if r.Previous.Appeals != want.Previous || r.Previous.Period != (report.Period{From: "2023-01-01", To: "2023-03-31"}) ||
		r.Previous.ByChannel["phone"] != 2 {
		t.Errorf("a year earlier: %d appeals in %v", r.Previous.Appeals, r.Previous.Period)
	}
	if issues := r.AllIssues(); len(issues) != 0 {
		t.Errorf("identities broken on good data: %+v", issues)
	}
}

// Form 1: the seed's groups.
func checkKnownForm1(t *testing.T, k known) {
	r := k.r
	rows := map[string]report.Counts{}
	for _, row := range r.Form1.Rows {
		rows[row.Key] = row.Counts
	}
	for key, n := range map[string]int64{"electronic": 3, "telephone": 1, "gov_hotline": 5, "oda_hotline": 3, "1.1": 2, "1.2": 1} {
		if rows[key].Total != n {
			t.Errorf("form 1 row %s: %d, want %d", key, rows[key].Total, n)
		}
	}
	tot := r.Form1.Total.Counts
	if tot != (report.Counts{Total: 15, Citizens: 24, Collective: 3, Repeat: 3, Priority: 3, Proposal: 5, Application: 4,
		Complaint: 6, Resolved: 7, Refused: 1, Explained: 3, OtherResult: 2, Pending: 2}) {
		t.Errorf("form 1 total: %+v", tot)
	}
}

// By settlement: the breakdown, and Form 1 with a row per settlement (every one, by name, then the
// undetermined) whose columns keep Form 1's identities and add up to Form 1's total; in every export.
func checkKnownSettlements(t *testing.T, k known) {
	r := k.r
	byName := map[string]int64{}
	for key, n := range r.BySettlement {
		name := r.SettlementNames[key].UK
		if key == report.Undetermined {
			name = ""
		}
		byName[name] = n
	}
	if !maps.Equal(byName, reporttest.Expected.BySettlementName) {
		t.Errorf("by_settlement by name = %v, want %v", byName, reporttest.Expected.BySettlementName)
	}
	var keys []string
	rows := map[string]report.Counts{}
	for _, row := range r.Form1BySettlement.Rows {
		keys = append(keys, r.SettlementNames[row.Key].UK)
		rows[r.SettlementNames[row.Key].UK] = row.Counts
	}
	// Alphabetical in Ukrainian: Зелене before Зразкове (л before р).
	if strings.Join(keys, "|") != "Зелене|Зразкове|Не визначено" {
		t.Errorf("rows: %v", keys)
	}
	want := map[string]report.Counts{
		"Зразкове": {Total: 8, Citizens: 8, Proposal: 2, Complaint: 6, Resolved: 7, OtherResult: 1},
		"Зелене": {Total: 4, Citizens: 13, Collective: 3, Repeat: 3, Priority: 3, Application: 4, Refused: 1,
			Explained: 3},
		"Не визначено": {Total: 3, Citizens: 3, Proposal: 3, OtherResult: 1, Pending: 2},
	}
	if !maps.Equal(rows, want) {
		t.Errorf("form 1 by settlement:\n got %+v\nwant %+v", rows, want)
	}
	if r.Form1BySettlement.Total.Counts != r.Form1.Total.Counts {
		t.Errorf("the total row differs from form 1's: %+v", r.Form1BySettlement.Total.Counts)
	}
	if prev := r.Previous.Form1BySettlement.Rows; len(prev) != 3 || prev[0].Total != 2 || r.SettlementNames[prev[0].Key].UK != "Зелене" {
		t.Errorf("a year earlier: %+v", prev)
	}

	o := output(t, "uk")
	var buf bytes.Buffer
	if err := r.WriteCSV(&buf, o); err != nil {
		t.Fatal(err)
	}
	village := ""
	for key, name := range r.SettlementNames {
		if name.UK == "Зелене" {
			village = key
		}
	}
	for _, line := range []string{"by_settlement," + village + ",Зелене,,4,2", "by_settlement,undetermined,Не визначено,,3,0",
		"form1_by_settlement," + village + ",Зелене,citizens,13,2", "form1_by_settlement,total,Усього,total,15,2"} {
		if !strings.Contains(buf.String(), line) {
			t.Errorf("CSV lacks %q", line)
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
	form1, _ := x.GetRows("Форма 1")
	if row := findRow(form1, "Не визначено"); strings.Join(row, "|") != "Не визначено|3|3|0|0|0|3|0|0|0|0|0|1|2" {
		t.Errorf("XLSX form 1 by settlement: %q", row)
	}
	figures, _ := x.GetRows("Показники")
	if !strings.Contains(fmt.Sprint(figures), "by_settlement "+village+" Зелене 4 2") {
		t.Errorf("XLSX figures lack the breakdown")
	}
	var m map[string]any
	buf.Reset()
	if err := r.WriteJSON(&buf, output(t, "uk")); err != nil || json.Unmarshal(buf.Bytes(), &m) != nil {
		t.Fatal(err)
	}
	if m["by_settlement"].(map[string]any)[village].(float64) != 4 ||
		m["settlement_names"].(map[string]any)["undetermined"].(map[string]any)["uk"] != "Не визначено" ||
		len(m["form1_by_settlement"].(map[string]any)["rows"].([]any)) != 3 {
		t.Errorf("JSON by settlement: %v %v", m["by_settlement"], m["settlement_names"])
	}
}

// JSON: the issue's keys at the top level.
func checkKnownJSON(t *testing.T, k known) {
	r := k.r
	var buf bytes.Buffer
	if err := r.WriteJSON(&buf, output(t, "uk")); err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(buf.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"period", "appeals", "questions", "citizens", "by_channel", "by_type", "by_nature", "by_sign",
		"by_gender", "by_category", "by_social_status", "by_subject", "by_department", "by_result", "overdue", "petitions"} {
		if _, ok := m[k]; !ok {
			t.Errorf("JSON lacks %s", k)
		}
	}
	if m["appeals"].(float64) != 15 || m["by_subject"].(map[string]any)["09"].(map[string]any)["share"].(float64) != 44.4 ||
		m["petitions"].(map[string]any)["threshold_reached"].(float64) != 1 || m["period"].(map[string]any)["from"] != "2024-01-01" {
		t.Errorf("JSON figures: %.600s", buf.String())
	}
}

// XLSX: read back what was written.
func checkKnownXLSX(t *testing.T, k known) {
	r := k.r
	o := output(t, "uk")
	var buf bytes.Buffer
	if err := r.WriteXLSX(&buf, o); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	form1, err := x.GetRows("Форма 1")
	if err != nil {
		t.Fatal(err)
	}
	total := findRow(form1, "Усього")
	if strings.Join(total, "|") != "Усього|15|24|3|3|3|5|4|6|7|1|3|2|2" {
		t.Errorf("XLSX form 1 total row: %q", total)
	}
	if !strings.Contains(strings.Join(form1[2], ""), "Усі тотожності форм виконано") {
		t.Errorf("XLSX form 1 head: %q", form1[:3])
	}
	form2, err := x.GetRows("Форма 2")
	if err != nil {
		t.Fatal(err)
	}
	if row := findRow(form2, "09"); len(row) < 4 || row[2] != "8" || row[3] != "44.4" {
		t.Errorf("XLSX form 2 row 09: %q", row)
	}
	if row := findRow(form2, "25"); len(row) < 4 || row[2] != "1" || row[3] != "5.6" {
		t.Errorf("XLSX form 2 row 25: %q", row)
	}
}

func checkKnownCSVAndPDF(t *testing.T, k known) {
	r := k.r
	o := output(t, "uk")
	var buf bytes.Buffer
	if err := r.WriteCSV(&buf, o); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"summary,appeals,Звернень,,15,2", "by_subject,09,Комунальне господарство,share,44.4,100.0",
		"form1,total,Усього,pending,2,0"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("CSV lacks %q:\n%.2000s", want, buf.String())
		}
	}
	buf.Reset()
	if err := r.WritePDF(&buf, o); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) || buf.Len() < 5000 {
		t.Errorf("PDF: %d bytes, starts %q", buf.Len(), buf.Bytes()[:min(8, buf.Len())])
	}
}

// The PDF read and looked at: its text holds the narrative's sentences whole (no word or number broken
// across lines, «ї є і ґ ’» all there, in a council's name made to carry them), the tables' header rows
// have their words, and every word on every page is dark enough on its ground to read (WCAG's 4.5:1),
// measured on the pages as poppler renders them.
func checkKnownPDFRead(t *testing.T, k known) {
	o := output(t, "uk")
	o.Council = i18n.Text{UK: "Ґалаґанівська об’єднана територіальна громада"}
	var buf bytes.Buffer
	if err := k.r.WritePDF(&buf, o); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	text := pdftest.Flat(pdftest.Text(t, data))
	narrative := k.r.Narrative(o)
	for _, want := range []string{"Ґалаґанівської об’єднаної територіальної громади", "зв’язку", "облдержадміністрації"} {
		if !strings.Contains(narrative, want) {
			t.Fatalf("the narrative lacks %q, which the test relies on:\n%s", want, narrative)
		}
	}
	for _, s := range pdftest.Sentences(narrative) {
		if !strings.Contains(text, s) {
			t.Errorf("the PDF's text lacks the sentence whole: %q", s)
		}
	}
	for _, letter := range []string{"ї", "є", "і", "ґ", "’", "Ґ"} {
		if !strings.Contains(text, letter) {
			t.Errorf("the PDF's text has no «%s»", letter)
		}
	}
	words := pdftest.Readable(t, data)
	for _, want := range []string{"Канал", "надходження", "Громадян", "Колективні", "Пропозиції", "Роз’яснено", "(повернуто,",
		"розгляді", "Населений", "Питання", "Показник"} {
		if !pdftest.Has(words, want) {
			t.Errorf("no whole word «%s» in the tables' headers", want)
		}
	}
}

// The narrative, in the seed's words.
func checkKnownNarrative(t *testing.T, k known) {
	r := k.r
	o := output(t, "uk")
	text := r.Narrative(o)
	for _, want := range []string{
		"У І кварталі 2024 року до Зразкової міської ради на розгляд надійшло 15 звернень",
		"53% (або 8) звернулися на урядову телефонну «гарячу лінію» (5) та гарячу лінію голови облдержадміністрації (3)",
		"За І квартал 2024 року засобами електронного зв’язку надійшло 3 звернення",
		"Через засоби телефонного зв’язку у І кварталі 2024 року надійшло 1 звернення",
		"порушено 18 питань, з них питому вагу складають питання комунального господарства – 8 або 44%, соціального захисту – 4 або 22%, житлової політики – 2 або 11%.",
		"Із порушенням терміну розглянуто або перебувають на розгляді 3 звернення.",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("narrative lacks %q:\n%s", want, text)
		}
	}
	// In English the counts agree too: "1 appeal", never "1 appeals".
	en := r.Narrative(output(t, "en"))
	for _, want := range []string{"received 15 appeals for consideration from 24 citizens, 14 more than in Q4 2023 (1) and 13 more than in Q1 2023 (2).",
		"the leading subjects are communal services – 8 or 44%, social protection – 4 or 22%, housing policy – 2 or 11%.",
		"3 appeals arrived electronically and 1 by telephone.", "Citizens raised 18 questions",
		"3 appeals were considered or are pending past their due date."} {
		if !strings.Contains(en, want) {
			t.Errorf("English narrative lacks %q:\n%s", want, en)
		}
	}
}

// A broken data set: an appeal without questions, a result outside the classifier, a subject code outside
// it. Each broken identity is reported, in the forms and in every export.
func TestBrokenIdentitiesAreReported(t *testing.T) {
	gdb := dbtest.Open(t)
	base := reporttest.Appeal{Received: time.Date(2024, 2, 1, 9, 0, 0, 0, time.UTC), Channel: "portal", Type: "complaint",
		Nature: "individual", Signers: 1, Sign: "primary", Status: "answered", Due: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)}
	a := base
	a.Seq, a.Result = 1, "bogus"
	reporttest.QuestionRow(t, gdb, reporttest.AppealRow(t, gdb, a), 1, "09")
	a.Seq, a.Result = 2, "resolved"
	reporttest.AppealRow(t, gdb, a) // no question
	a.Seq = 3
	reporttest.QuestionRow(t, gdb, reporttest.AppealRow(t, gdb, a), 1, "99")

	r, err := report.Compute(context.Background(), gdb, reporttest.From, reporttest.To, reporttest.Kyiv)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, i := range r.Issues {
		got[i.Identity+"/"+i.Row] = true
	}
	for _, want := range []string{"results/electronic", "results/total", "results/settlement:undetermined", "subjects/", "questions/"} {
		if !got[want] {
			t.Errorf("missing issue %s in %+v", want, r.Issues)
		}
	}
	if len(r.Previous.Issues) != 0 {
		t.Errorf("an empty year earlier has issues: %+v", r.Previous.Issues)
	}
	o := output(t, "uk")
	texts := r.IssueTexts(o)
	if len(texts) != len(r.Issues) || !strings.Contains(strings.Join(texts, "\n"),
		"не виконано «сума за результатами дорівнює кількості звернень» (Канал надходження: Усього): 2, очікувано 3") ||
		!strings.Contains(strings.Join(texts, "\n"), "(Населений пункт: Не визначено): 2, очікувано 3") {
		t.Errorf("issue texts: %q", texts)
	}
	for _, format := range []string{"csv", "xlsx", "json"} {
		var buf bytes.Buffer
		if err := r.Write(&buf, format, o); err != nil {
			t.Fatal(err)
		}
		s := buf.String()
		if format == "xlsx" {
			x, err := excelize.OpenReader(&buf)
			if err != nil {
				t.Fatal(err)
			}
			rows, _ := x.GetRows("Форма 1")
			s = ""
			for _, r := range rows {
				s += strings.Join(r, " ") + "\n"
			}
			x.Close()
		}
		marker := "ПОМИЛКА"
		if format == "json" {
			marker = `"identity": "results"`
		}
		if !strings.Contains(s, marker) {
			t.Errorf("%s export hides the broken identities:\n%.1500s", format, s)
		}
	}
}

func TestPeriodNamesAndGenitive(t *testing.T) {
	d := func(y int, m time.Month, day int) time.Time { return time.Date(y, m, day, 0, 0, 0, 0, time.UTC) }
	for _, c := range []struct {
		from, to time.Time
		kind     string
	}{
		{d(2024, 1, 1), d(2024, 3, 31), "quarter"}, {d(2024, 10, 1), d(2024, 12, 31), "quarter"},
		{d(2024, 2, 1), d(2024, 2, 29), "month"}, {d(2024, 1, 1), d(2024, 12, 31), "year"},
		{d(2024, 2, 1), d(2024, 4, 30), "custom"}, {d(2024, 1, 2), d(2024, 3, 31), "custom"},
	} {
		if got := report.PeriodKind(c.from, c.to); got != c.kind {
			t.Errorf("PeriodKind(%v, %v) = %s, want %s", c.from, c.to, got, c.kind)
		}
	}
	for in, want := range map[string]string{"Зразкова міська рада": "Зразкової міської ради",
		"Кам’янська міська рада": "Кам’янської міської ради", "Верхня сільська рада": "Верхньої сільської ради",
		"Council": "Council"} {
		if got := report.GenitiveUK(in); got != want {
			t.Errorf("GenitiveUK(%s) = %s, want %s", in, got, want)
		}
	}
}

func findRow(rows [][]string, first string) []string {
	for _, r := range rows {
		if len(r) > 0 && r[0] == first {
			return r
		}
	}
	return nil
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// The report groups the codes as one key joined by U+001F; a code holding that character (no writer
// lets one in) still counts under its own code.
func TestCodeWithSeparator(t *testing.T) {
	gdb := dbtest.Open(t)
	a := reporttest.Appeal{Received: time.Date(2024, 2, 1, 9, 0, 0, 0, time.UTC), Channel: "portal", Type: "complaint",
		Nature: "individual", Signers: 1, Sign: "primary", Status: "answered", Result: "odd\x1fresult",
		Due: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC), Seq: 1}
	reporttest.QuestionRow(t, gdb, reporttest.AppealRow(t, gdb, a), 1, "09")
	a.Seq, a.Result = 2, "resolved"
	reporttest.QuestionRow(t, gdb, reporttest.AppealRow(t, gdb, a), 1, "09")
	r, err := report.Compute(context.Background(), gdb, reporttest.From, reporttest.To, reporttest.Kyiv)
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]int64{"odd\x1fresult": 1, "resolved": 1}; !maps.Equal(r.ByResult, want) {
		t.Errorf("by_result = %v, want %v", r.ByResult, want)
	}
	if r.Appeals != 2 || r.ByChannel["portal"] != 2 || r.Questions != 2 {
		t.Errorf("appeals %d, by_channel %v, questions %d", r.Appeals, r.ByChannel, r.Questions)
	}
}

// Form 1's rows come from the classifier file's report_row: the seed report's groups, in the order of
// the channels.
func TestForm1RowsFromClassifierData(t *testing.T) {
	clf, err := classifier.Load()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range report.Groups(clf) {
		got = append(got, r.Key+"="+strings.Join(r.Channels, "+"))
	}
	want := "electronic=portal+email 1.1=mail 1.2=reception telephone=phone 1.3=representative gov_hotline=gov_hotline " +
		"oda_hotline=oda_hotline 1.4=authority 1.5=media 1.6=other_org"
	if strings.Join(got, " ") != want {
		t.Fatalf("rows\n got %s\nwant %s", strings.Join(got, " "), want)
	}
}

// The narrative's numbers agree with their nouns in both languages: a quarter of one overdue appeal of one
// citizen with one question says "1 звернення", "1 питання", "1 appeal", "1 citizen", never "1 appeals".
func TestNarrativeCountsAgree(t *testing.T) {
	gdb := dbtest.Open(t)
	a := reporttest.Appeal{Received: time.Date(2024, 2, 1, 9, 0, 0, 0, time.UTC), Channel: "phone", Type: "complaint",
		Nature: "individual", Signers: 1, Sign: "primary", Status: "in_progress", Due: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC), Seq: 1}
	reporttest.QuestionRow(t, gdb, reporttest.AppealRow(t, gdb, a), 1, "09")
	r, err := report.Compute(context.Background(), gdb, reporttest.From, reporttest.To, reporttest.Kyiv)
	if err != nil {
		t.Fatal(err)
	}
	for lang, wants := range map[string][]string{
		"uk": {"на розгляд надійшло 1 звернення (громадян – 1), що на 1 звернення більше, ніж у IV кварталі 2023 року (0)", "засобами електронного зв’язку надійшло 0 звернень",
			"надійшло 1 звернення.", "порушено 1 питання", "перебуває на розгляді 1 звернення."},
		"en": {"received 1 appeal for consideration from 1 citizen, 1 more than in Q4 2023 (0)", "0 appeals arrived electronically and 1 by telephone.",
			"Citizens raised 1 question", "1 appeal was considered or is pending past its due date."},
	} {
		text := r.Narrative(output(t, lang))
		for _, want := range wants {
			if !strings.Contains(text, want) {
				t.Errorf("%s narrative lacks %q:\n%s", lang, want, text)
			}
		}
	}
}
