package registry_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/hromada/hromada/internal/audit"
	"github.com/hromada/hromada/internal/dbtest"
	"github.com/hromada/hromada/internal/department"
	"github.com/hromada/hromada/internal/registry"
	"github.com/hromada/hromada/internal/steptest"
)

type importFixture struct {
	reg   *registry.Service
	db    *gorm.DB
	kyiv  *time.Location
	depts map[string]int64
}

// importSetup builds a registry numbered as in production ("{letter}-{seq}/{yy}") with one department.
func importSetup(t *testing.T) importFixture {
	t.Helper()
	gdb := dbtest.Open(t)
	reg, kyiv := newRegistry(t, gdb, registry.Options{IndexPattern: "{letter}-{seq}/{yy}"})
	d, err := department.NewService(gdb).Create(context.Background(), "Департамент житлово-комунального господарства", "Housing")
	if err != nil {
		t.Fatal(err)
	}
	return importFixture{reg: reg, db: gdb, kyiv: kyiv, depts: map[string]int64{d.NameUK: d.ID}}
}

func (f importFixture) run(t *testing.T, file string) (*registry.ImportResult, error) {
	t.Helper()
	return f.reg.ImportAppeals(context.Background(), strings.NewReader(file),
		registry.ImportOptions{FileName: "registry.csv", Departments: f.depts})
}

func (f importFixture) count(t *testing.T, table string) int64 {
	t.Helper()
	var n int64
	if err := f.db.Table(table).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// goodRow is a complete valid row; cases change one column at a time.
func goodRow() map[string]string {
	return map[string]string{
		"reg_number": "К-5/24", "received_at": "2024-03-04", "channel": "gov_hotline", "external_ref": "1545-100",
		"type": "complaint", "nature": "individual", "signers": "", "sign": "primary",
		"author_name": "Коваленко Олена Петрівна", "author_address": "м. Зразкове, вул. Соборна, 1",
		"author_email": "olena@example.org", "author_phone": "+380 (50) 123-45-67", "gender": "female",
		"author_categories": "idp", "social_status": "pensioner", "subjects": "09;10",
		"summary": "Немає гарячої води", "department": "Департамент житлово-комунального господарства",
		"status": "answered", "result": "explained", "answered_at": "2024-03-20",
	}
}

// csvOf writes rows under the given header (every column when nil), quoting as a spreadsheet does.
func csvOf(header []string, sep string, rows ...map[string]string) string {
	if header == nil {
		header = registry.ImportColumns
	}
	var b strings.Builder
	b.WriteString(strings.Join(header, sep) + "\r\n")
	for _, r := range rows {
		cells := make([]string, len(header))
		for i, h := range header {
			v := r[h]
			if strings.ContainsAny(v, sep+"\"\n") {
				v = `"` + strings.ReplaceAll(v, `"`, `""`) + `"`
			}
			cells[i] = v
		}
		b.WriteString(strings.Join(cells, sep) + "\r\n")
	}
	return b.String()
}

func with(r map[string]string, kv ...string) map[string]string {
	out := map[string]string{}
	for k, v := range r {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}

// importedRows are the three rows TestImportAppeals imports.
func importedRows() []map[string]string {
	return []map[string]string{
		goodRow(),
		// A number from another system, a collective appeal still open, without a department.
		with(goodRow(), "reg_number", "ВХ-117 від 05.03.2024", "received_at", "2024-03-05T14:30:00+02:00",
			"channel", "mail", "external_ref", "", "nature", "collective", "signers", "12", "author_name", "Бондар Іван",
			"author_categories", "", "gender", "male", "subjects", "06", "department", "", "status", "", "result", "",
			"answered_at", "", "summary", "Прошу відремонтувати дах, тече вже місяць"),
		// Anonymous: no name; the second foreign number of its year counts further down.
		with(goodRow(), "reg_number", "ВХ-118", "nature", "anonymous", "author_name", "", "author_email", "",
			"author_phone", "", "author_categories", "", "gender", "", "social_status", "", "status", "not_considered",
			"result", "not_considered", "answered_at", "2024-03-06", "department", " департамент   ЖИТЛОВО-комунального господарства "),
	}
}

// An import in steps: the file, the cards it made, importing it again, and the registry's own numbering after it.
func TestImportAppeals(t *testing.T) {
	steptest.Run(t, importSetup(t), []steptest.Step[importFixture]{
		{Name: "the file is imported", Run: importTheFile},
		{Name: "a number under the pattern keeps it", Run: checkPatternNumberedCard},
		{Name: "the card's codes and questions", Run: checkCodesAndQuestions},
		{Name: "a foreign number and an anonymous author", Run: checkForeignAndAnonymousCards},
		{Name: "the import is in the audit log", Run: checkImportAudited},
		{Name: "importing again adds only new rows", Run: importAgain},
		{Name: "the registry numbers on after the import", Run: registerAfterImport},
	})
}

func importTheFile(t *testing.T, f importFixture) {
	res, err := f.run(t, csvOf(nil, ",", importedRows()...))
	if err != nil {
		t.Fatal(err)
	}
	if *res != (registry.ImportResult{Rows: 3, Added: 3, Skipped: 0}) {
		t.Fatalf("result %+v", *res)
	}
}

// importedCards reads the imported appeals in the order of the file, with their questions.
func importedCards(t *testing.T, f importFixture) []registry.Appeal {
	t.Helper()
	var got []registry.Appeal
	if err := f.db.Preload("Questions", func(db *gorm.DB) *gorm.DB { return db.Order("position") }).
		Order("id").Find(&got).Error; err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("%d appeals", len(got))
	}
	return got
}

func checkPatternNumberedCard(t *testing.T, f importFixture) {
	a := importedCards(t, f)[0]
	if a.RegIndex != "К-5/24" || a.RegYear != 2024 || a.RegSeq != 5 {
		t.Errorf("number: %q %d %d", a.RegIndex, a.RegYear, a.RegSeq)
	}
	if a.AuthorLastName != "Коваленко" || a.AuthorFirstName != "Олена" || a.AuthorPatronymic != "Петрівна" {
		t.Errorf("name split: %q %q %q", a.AuthorLastName, a.AuthorFirstName, a.AuthorPatronymic)
	}
	if !a.ReceivedAt.Equal(time.Date(2024, 3, 4, 0, 0, 0, 0, f.kyiv)) || a.DueDate.Format(time.DateOnly) != "2024-04-03" {
		t.Errorf("received %v due %v", a.ReceivedAt, a.DueDate)
	}
	if a.AnsweredAt == nil || !a.AnsweredAt.Equal(time.Date(2024, 3, 20, 0, 0, 0, 0, f.kyiv)) {
		t.Errorf("answered %v", a.AnsweredAt)
	}
	if a.SearchText != "к-5/24 коваленко олена петрівна немає гарячої води" {
		t.Errorf("search text %q", a.SearchText)
	}
}

func checkCodesAndQuestions(t *testing.T, f importFixture) {
	a := importedCards(t, f)[0]
	if a.Channel != "gov_hotline" || a.ExternalRef != "1545-100" || a.DocumentKind != registry.DocOral ||
		a.Type != "complaint" || a.Nature != "individual" || a.Signers != 1 || a.Sign != "primary" {
		t.Errorf("receipt: %+v", a)
	}
	if a.AuthorEmail != "olena@example.org" || a.AuthorPhone != "+380 (50) 123-45-67" || a.AuthorGender != "female" ||
		a.AuthorCategories != "idp" || !a.Priority || a.AuthorSocialStatus != "pensioner" || a.PersonID != nil {
		t.Errorf("author: %+v", a)
	}
	if a.Status != registry.StatusAnswered || a.Result != "explained" || a.DepartmentID == nil ||
		*a.DepartmentID != f.depts["Департамент житлово-комунального господарства"] {
		t.Errorf("card: %+v", a)
	}
	if len(a.Questions) != 2 || a.Questions[0].SubjectCode != "09" || a.Questions[1].SubjectCode != "10" ||
		a.Questions[1].Position != 2 || a.Questions[0].Result != "explained" || a.Questions[0].Text != "" {
		t.Errorf("questions %+v", a.Questions)
	}
}

func checkForeignAndAnonymousCards(t *testing.T, f importFixture) {
	got := importedCards(t, f)
	b := got[1]
	if b.RegYear != 2024 || b.RegSeq != -1 || b.Nature != "collective" || b.Signers != 12 || b.Status != registry.StatusRegistered ||
		b.AnsweredAt != nil || b.DepartmentID != nil || b.Priority || b.DocumentKind != registry.DocLetter ||
		!b.ReceivedAt.Equal(time.Date(2024, 3, 5, 12, 30, 0, 0, time.UTC)) || len(b.Questions) != 1 || b.Questions[0].Result != "" {
		t.Errorf("foreign-numbered collective card: %+v", b)
	}
	c := got[2]
	if c.RegSeq != -2 || c.AuthorName() != "" || c.Status != registry.StatusNotConsidered || c.DepartmentID == nil {
		t.Errorf("anonymous card: %+v", c)
	}
}

func checkImportAudited(t *testing.T, f importFixture) {
	var lines []audit.Entry
	if err := f.db.Where("action = ?", "appeal.import").Find(&lines).Error; err != nil {
		t.Fatal(err)
	}
	if len(lines) != 1 || lines[0].ObjectType != "import" || !strings.Contains(lines[0].Detail, "added=3") ||
		!strings.Contains(lines[0].Detail, "registry.csv") {
		t.Errorf("audit: %+v", lines)
	}
}

// The same file again adds nothing; one new row among the old ones is the only one added.
func importAgain(t *testing.T, f importFixture) {
	rows := importedRows()
	res, err := f.run(t, csvOf(nil, ",", rows...))
	if err != nil || *res != (registry.ImportResult{Rows: 3, Added: 0, Skipped: 3}) {
		t.Fatalf("re-import: %+v %v", res, err)
	}
	res, err = f.run(t, csvOf(nil, ",", append(rows, with(goodRow(), "reg_number", "ВХ-119"))...))
	if err != nil || *res != (registry.ImportResult{Rows: 4, Added: 1, Skipped: 3}) {
		t.Fatalf("import with one new row: %+v %v", res, err)
	}
	if n := f.count(t, "appeals"); n != 4 {
		t.Fatalf("%d appeals after re-imports", n)
	}
	var next registry.Appeal
	if err := f.db.Where("reg_index = ?", "ВХ-119").Take(&next).Error; err != nil || next.RegSeq != -3 {
		t.Fatalf("third foreign number of 2024: %+v %v", next, err)
	}
}

// The counter of 2024 was raised past 5: the registry's own next number of that year is 6.
func registerAfterImport(t *testing.T, f importFixture) {
	own, err := f.reg.RegisterAppeal(context.Background(), registry.RegisterInput{Channel: "phone", LastName: "Шевчук",
		FirstName: "Іван", Address: "м. Зразкове", Type: "application", Summary: "Прошу впорядкувати графік вивезення сміття.",
		Questions: []registry.QuestionInput{{SubjectCode: "09"}}, ReceivedAt: time.Date(2024, 6, 1, 10, 0, 0, 0, f.kyiv)})
	if err != nil {
		t.Fatal(err)
	}
	if own.RegIndex != "Ш-6/24" || own.RegSeq != 6 {
		t.Fatalf("the registry's next number after the import: %q", own.RegIndex)
	}
}

// Importing into a year whose counter is already further keeps the counter where it is.
func TestImportKeepsHigherCounter(t *testing.T) {
	f := importSetup(t)
	in := registry.RegisterInput{Channel: "phone", LastName: "Шевчук", FirstName: "Іван", Address: "м. Зразкове",
		Type: "application", Summary: "Прошу впорядкувати графік вивезення сміття.",
		Questions: []registry.QuestionInput{{SubjectCode: "09"}}, ReceivedAt: time.Date(2024, 6, 1, 10, 0, 0, 0, f.kyiv)}
	for range 3 {
		if _, err := f.reg.RegisterAppeal(context.Background(), in); err != nil {
			t.Fatal(err)
		}
	}
	// Ш-1/24 … Ш-3/24 exist; a file bringing К-2/24 collides, К-9/24 does not.
	_, err := f.run(t, csvOf(nil, ",", with(goodRow(), "reg_number", "К-2/24")))
	var refused *registry.ImportError
	if !errors.As(err, &refused) || len(refused.Problems) != 1 || refused.Problems[0].Message != "import.error.number_taken" ||
		refused.Problems[0].Want != "Ш-2/24" || refused.Problems[0].Line != 2 {
		t.Fatalf("collision with the registry's own number: %v", err)
	}
	if _, err := f.run(t, csvOf(nil, ",", with(goodRow(), "reg_number", "К-9/24"))); err != nil {
		t.Fatal(err)
	}
	a, err := f.reg.RegisterAppeal(context.Background(), in)
	if err != nil || a.RegIndex != "Ш-10/24" {
		t.Fatalf("next own number: %v %v", a, err)
	}
}

func TestImportRefusesBadRows(t *testing.T) {
	future := time.Now().AddDate(0, 0, 3).Format(time.DateOnly)
	cases := []struct {
		name, column, message string
		row                   map[string]string
	}{
		{"no number", "reg_number", "import.error.required", with(goodRow(), "reg_number", "")},
		{"long number", "reg_number", "import.error.too_long", with(goodRow(), "reg_number", strings.Repeat("1", 101))},
		{"no date", "received_at", "import.error.required", with(goodRow(), "received_at", "")},
		{"date in the Ukrainian way", "received_at", "import.error.date", with(goodRow(), "received_at", "04.03.2024")},
		{"impossible date", "received_at", "import.error.date", with(goodRow(), "received_at", "2024-02-30")},
		{"future date", "received_at", "import.error.future", with(goodRow(), "received_at", future, "status", "", "result", "", "answered_at", "")},
		{"no channel", "channel", "import.error.required", with(goodRow(), "channel", "")},
		{"unknown channel", "channel", "import.error.unknown_code", with(goodRow(), "channel", "fax")},
		{"long external number", "external_ref", "import.error.too_long", with(goodRow(), "external_ref", strings.Repeat("№", 101))},
		{"no type", "type", "import.error.required", with(goodRow(), "type", "")},
		{"unknown type", "type", "import.error.unknown_code", with(goodRow(), "type", "скарга")},
		{"unknown nature", "nature", "import.error.unknown_code", with(goodRow(), "nature", "group")},
		{"collective without signers", "signers", "import.error.signers_collective", with(goodRow(), "nature", "collective")},
		{"collective of one", "signers", "import.error.signers_collective", with(goodRow(), "nature", "collective", "signers", "1")},
		{"signers not a number", "signers", "import.error.not_number", with(goodRow(), "signers", "два")},
		{"individual with signers", "signers", "import.error.signers_single", with(goodRow(), "signers", "3")},
		{"unknown sign", "sign", "import.error.unknown_code", with(goodRow(), "sign", "first")},
		{"no name", "author_name", "import.error.required", with(goodRow(), "author_name", "")},
		{"surname only", "author_name", "import.error.name_short", with(goodRow(), "author_name", "Коваленко")},
		{"digits in name", "author_name", "import.error.name_digits", with(goodRow(), "author_name", "Коваленко Олена 2")},
		{"long name", "author_name", "import.error.too_long", with(goodRow(), "author_name", "Коваленко "+strings.Repeat("О", 101))},
		{"long address", "author_address", "import.error.too_long", with(goodRow(), "author_address", strings.Repeat("а", 501))},
		{"unknown settlement", "settlement", "import.error.unknown_settlement", with(goodRow(), "settlement", "с. Зелене")},
		{"bad e-mail", "author_email", "import.error.email", with(goodRow(), "author_email", "olena at example.org")},
		{"e-mail with a name", "author_email", "import.error.email", with(goodRow(), "author_email", "Олена <olena@example.org>")},
		{"bad phone", "author_phone", "import.error.phone", with(goodRow(), "author_phone", "дзвонити ввечері")},
		{"short phone", "author_phone", "import.error.phone", with(goodRow(), "author_phone", "12-34")},
		{"unknown gender", "gender", "import.error.unknown_code", with(goodRow(), "gender", "ж")},
		{"unknown category", "author_categories", "import.error.unknown_code", with(goodRow(), "author_categories", "idp;vip")},
		{"unknown social status", "social_status", "import.error.unknown_code", with(goodRow(), "social_status", "king")},
		{"no subjects", "subjects", "import.error.required", with(goodRow(), "subjects", " ; ")},
		{"unknown subject", "subjects", "import.error.unknown_code", with(goodRow(), "subjects", "09;99")},
		{"too many subjects", "subjects", "import.error.too_many_subjects", with(goodRow(), "subjects", strings.Repeat("09;", 21))},
		{"no summary", "summary", "import.error.required", with(goodRow(), "summary", "")},
		{"long summary", "summary", "import.error.too_long", with(goodRow(), "summary", strings.Repeat("с", 20001))},
		{"unknown department", "department", "import.error.unknown_department", with(goodRow(), "department", "Відділ освіти")},
		{"unknown status", "status", "import.error.unknown_code", with(goodRow(), "status", "closed")},
		{"unknown result", "result", "import.error.unknown_code", with(goodRow(), "result", "ok")},
		{"closed without result", "result", "import.error.closed_needs_result", with(goodRow(), "result", "")},
		{"closed without answer date", "answered_at", "import.error.closed_needs_answered_at", with(goodRow(), "answered_at", "")},
		{"open with a result", "result", "import.error.open_with_result", with(goodRow(), "status", "in_progress", "answered_at", "")},
		{"open with an answer date", "answered_at", "import.error.open_with_answered_at", with(goodRow(), "status", "registered", "result", "")},
		{"bad answer date", "answered_at", "import.error.date", with(goodRow(), "answered_at", "20.03.2024")},
		{"future answer date", "answered_at", "import.error.future", with(goodRow(), "answered_at", future)},
		{"answered before received", "answered_at", "import.error.answered_before_received", with(goodRow(), "answered_at", "2024-03-03")},
	}
	f := importSetup(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// The bad row comes second (line 3), after a good one that must not be imported either.
			_, err := f.run(t, csvOf(nil, ",", with(goodRow(), "reg_number", "ВХ-1"), c.row))
			var refused *registry.ImportError
			if !errors.As(err, &refused) {
				t.Fatalf("not refused: %v", err)
			}
			want := registry.ImportProblem{Line: 3, Column: c.column, Message: c.message}
			if !slices.ContainsFunc(refused.Problems, func(p registry.ImportProblem) bool {
				return p.Line == want.Line && p.Column == want.Column && p.Message == want.Message
			}) {
				t.Fatalf("want %+v among %+v", want, refused.Problems)
			}
			for _, p := range refused.Problems {
				if p.Line != 3 {
					t.Errorf("a problem on a good line: %+v", p)
				}
			}
		})
	}
	if n := f.count(t, "appeals"); n != 0 {
		t.Fatalf("refused files added %d appeals", n)
	}
	if n := f.count(t, "registry_counters"); n != 0 {
		t.Fatalf("refused files left %d counters", n)
	}
}

// A file with bad rows of every kind reports each one, on its own physical line, and adds nothing.
func TestImportReportsEveryBadRow(t *testing.T) {
	f := importSetup(t)
	if _, err := f.run(t, csvOf(nil, ",", with(goodRow(), "reg_number", "К-7/24"), with(goodRow(), "reg_number", "К-8/24"))); err != nil {
		t.Fatal(err)
	}
	file := csvOf(nil, ",",
		with(goodRow(), "reg_number", "К-1/24", "summary", "Перший рядок\nдругий рядок суті"), // lines 2–3
		with(goodRow(), "reg_number", "К-2/24", "channel", "fax"),                             // 4
		with(goodRow(), "reg_number", "К-1/24"),                                               // 5: repeated in the file
		with(goodRow(), "reg_number", "Б-2/24"),                                               // 6: same year and number as line 4
		with(goodRow(), "reg_number", "Б-7/24"),                                               // 7: number 7 of 2024 is К-7/24
		with(goodRow(), "reg_number", "К-8/24", "channel", "fax"),                             // 8: already there, but bad
	) + "К-9/24,2024-03-04,mail\r\n" + // 9: too few cells
		`К-10/24,2024-03-04,"mail` + "\r\n" // 10: a quote never closed
	_, err := f.run(t, file)
	var refused *registry.ImportError
	if !errors.As(err, &refused) {
		t.Fatalf("not refused: %v", err)
	}
	want := []registry.ImportProblem{
		{Line: 4, Column: "channel", Message: "import.error.unknown_code", Value: "fax"},
		{Line: 5, Column: "reg_number", Message: "import.error.repeated_number", Value: "К-1/24", Want: "2"},
		{Line: 6, Column: "reg_number", Message: "import.error.number_in_file", Value: "Б-2/24", Want: "4"},
		{Line: 7, Column: "reg_number", Message: "import.error.number_taken", Value: "Б-7/24", Want: "К-7/24"},
		{Line: 8, Column: "channel", Message: "import.error.unknown_code", Value: "fax"},
		{Line: 9, Message: "import.error.field_count", Value: "3", Want: strconv.Itoa(len(registry.ImportColumns))},
		{Line: 10, Message: "import.error.quotes"},
	}
	got := refused.Problems
	for i := range got {
		if got[i].Message == "import.error.unknown_code" {
			got[i].Want = "" // the list of codes: checked by TestImportRefusesBadRows's messages
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("problems\n got %+v\nwant %+v", got, want)
	}
	if n := f.count(t, "appeals"); n != 2 {
		t.Fatalf("%d appeals", n)
	}
}

func TestImportFileLevel(t *testing.T) {
	f := importSetup(t)
	refusedWith := func(t *testing.T, file string, want registry.ImportProblem) {
		t.Helper()
		_, err := f.run(t, file)
		var refused *registry.ImportError
		if !errors.As(err, &refused) || !slices.Contains(refused.Problems, want) {
			t.Fatalf("want %+v, got %v", want, err)
		}
	}
	without := slices.DeleteFunc(slices.Clone(registry.ImportColumns), func(c string) bool { return c == "summary" })
	refusedWith(t, csvOf(without, ",", goodRow()), registry.ImportProblem{Line: 1, Column: "summary",
		Message: "import.error.missing_column", Value: "summary"})
	misspelt := append(slices.Clone(registry.ImportColumns), "recieved_at")
	refusedWith(t, csvOf(misspelt, ",", goodRow()), registry.ImportProblem{Line: 1, Message: "import.error.unknown_column",
		Value: "recieved_at", Want: strings.Join(registry.ImportColumns, ", ")})
	twice := append(slices.Clone(registry.ImportColumns), "summary")
	refusedWith(t, csvOf(twice, ",", goodRow()), registry.ImportProblem{Line: 1, Message: "import.error.repeated_column", Value: "summary"})
	refusedWith(t, "", registry.ImportProblem{Line: 1, Message: "import.error.empty"})
	refusedWith(t, csvOf(nil, ","), registry.ImportProblem{Line: 1, Message: "import.error.no_rows"})
	// Windows-1251 "Коваленко" is not UTF-8.
	cp1251 := strings.Replace(csvOf(nil, ",", goodRow()), "Коваленко", "\xca\xee\xe2\xe0\xeb\xe5\xed\xea\xee", 1)
	refusedWith(t, cp1251, registry.ImportProblem{Line: 2, Message: "import.error.encoding"})
	if n := f.count(t, "appeals"); n != 0 {
		t.Fatalf("%d appeals", n)
	}

	// Accepted: a byte order mark, ";" between cells, columns in another order, optional ones left out.
	res, err := f.run(t, "\xef\xbb\xbf"+csvOf(nil, ";", goodRow()))
	if err != nil || res.Added != 1 {
		t.Fatalf("BOM and ';': %+v %v", res, err)
	}
	few := []string{"Summary", "subjects", "type", " author_name ", "channel", "received_at", "reg_number"}
	res, err = f.run(t, csvOf(few, ",", with(goodRow(), "reg_number", "К-6/24", "Summary", "Суть звернення",
		"subjects", "09", " author_name ", "Бондар Іван")))
	if err != nil || res.Added != 1 {
		t.Fatalf("reordered, fewer columns: %+v %v", res, err)
	}
	var a registry.Appeal
	if err := f.db.Where("reg_index = ?", "К-6/24").Take(&a).Error; err != nil {
		t.Fatal(err)
	}
	if a.Summary != "Суть звернення" || a.AuthorLastName != "Бондар" || a.Status != registry.StatusRegistered ||
		a.Sign != "primary" || a.Nature != "individual" {
		t.Fatalf("card from few columns: %+v", a)
	}
}

// The registration forms and the import check content by the same rules, each in its own words: what the
// form refuses under a field, the import refuses under the matching column.
func TestFormsAndImportShareTheContentRules(t *testing.T) {
	f := importSetup(t)
	cases := []struct {
		name, field, formMsg, column, importMsg string
		edit                                    func(*registry.RegisterInput)
		cells                                   []string
	}{
		{"e-mail", "email", "appeal.error.email", "author_email", "import.error.email",
			func(in *registry.RegisterInput) { in.Email = "olena at example.org" }, []string{"author_email", "olena at example.org"}},
		{"phone", "phone", "appeal.error.phone", "author_phone", "import.error.phone",
			func(in *registry.RegisterInput) { in.Phone = "12-34" }, []string{"author_phone", "12-34"}},
		{"digits in a name", "first_name", "appeal.error.name_digits", "author_name", "import.error.name_digits",
			func(in *registry.RegisterInput) { in.FirstName = "Ол3на" }, []string{"author_name", "Коваленко Ол3на"}},
		{"unknown gender", "gender", "appeal.error.choose", "gender", "import.error.unknown_code",
			func(in *registry.RegisterInput) { in.Gender = "ж" }, []string{"gender", "ж"}},
		{"unknown subject", "questions.0.subject", "appeal.error.subject", "subjects", "import.error.unknown_code",
			func(in *registry.RegisterInput) { in.Questions[0].SubjectCode = "99" }, []string{"subjects", "99"}},
		{"one signer of a collective appeal", "signers", "appeal.error.signers", "signers", "import.error.signers_collective",
			func(in *registry.RegisterInput) { in.Nature, in.Signers = registry.NatureCollective, 1 },
			[]string{"nature", "collective", "signers", "1"}},
		{"long summary", "summary", "appeal.error.too_long", "summary", "import.error.too_long",
			func(in *registry.RegisterInput) { in.Summary = strings.Repeat("с", 20001) }, []string{"summary", strings.Repeat("с", 20001)}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := staffInput(0, "mail")
			in.RegisteredBy = nil
			c.edit(&in)
			if got := fieldsOf(t, f.reg.Check(in))[c.field]; got != c.formMsg {
				t.Errorf("form: %s = %q, want %q", c.field, got, c.formMsg)
			}
			_, err := f.run(t, csvOf(nil, ",", with(goodRow(), c.cells...)))
			var refused *registry.ImportError
			if !errors.As(err, &refused) || !slices.ContainsFunc(refused.Problems, func(p registry.ImportProblem) bool {
				return p.Column == c.column && p.Message == c.importMsg
			}) {
				t.Errorf("import: want %s %s, got %v", c.column, c.importMsg, err)
			}
		})
	}
}

// A cell that is not text — NUL, another control character, a direction override — refuses its row with
// the column named, before anything reaches the database (PostgreSQL refuses NUL in text with an error).
func TestImportRefusesCellsThatAreNotText(t *testing.T) {
	f := importSetup(t)
	for _, c := range []struct{ column, value string }{
		{"reg_number", "К-9/24\x00"},
		{"external_ref", "1545-\x1b[31m100"},
		{"author_name", "Коваленко\u202e Олена"},
		{"summary", "Немає\x00 гарячої води"},
	} {
		_, err := f.run(t, csvOf(nil, ",", with(goodRow(), c.column, c.value)))
		var refused *registry.ImportError
		if !errors.As(err, &refused) || len(refused.Problems) != 1 || refused.Problems[0].Column != c.column ||
			refused.Problems[0].Message != "import.error.characters" {
			t.Errorf("%s = %q: %v", c.column, c.value, err)
		}
	}
	// Line breaks and tabs are text in the summary.
	if _, err := f.run(t, csvOf(nil, ",", with(goodRow(), "summary", "Немає гарячої води.\r\nТретій\tтиждень."))); err != nil {
		t.Errorf("a summary of two lines: %v", err)
	}
	if n := f.count(t, "appeals"); n != 1 {
		t.Errorf("%d appeals stored, want only the good file's one", n)
	}
}
