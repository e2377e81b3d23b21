package registry

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/hromada/hromada/internal/audit"
	"github.com/hromada/hromada/internal/classifier"
	"github.com/hromada/hromada/internal/form"
	"github.com/hromada/hromada/internal/i18n"
	"github.com/hromada/hromada/internal/settlement"
)

// ImportColumns are the columns of an import file, in the order of the template. A file may put them in
// any order; the header row names them.
var ImportColumns = []string{"reg_number", "received_at", "channel", "external_ref", "type", "nature", "signers",
	"sign", "author_name", "author_address", "settlement", "author_email", "author_phone", "gender", "author_categories",
	"social_status", "subjects", "summary", "department", "status", "result", "answered_at"}

// importRequired are the columns a file must have. The others may be left out: a registry kept in a
// spreadsheet rarely records, say, the sign of receipt, and an absent column reads as empty cells.
var importRequired = []string{"reg_number", "received_at", "channel", "type", "subjects", "summary", "author_name"}

// Import limits. Batches stay under SQLite's 32,766 and PostgreSQL's 65,535 bound parameters per statement.
const (
	maxRegNumberLen     = 100
	importQuestionBatch = 125 // questions and timeline lines, a handful of columns each (insertBatch says why not more)
	importLookupBatch   = 1000
	importAnalyzeAfter  = 1000 // rows added
)

// ImportOptions say where a file comes from and how to read its departments.
type ImportOptions struct {
	FileName string // for the audit log
	// Departments maps each department's Ukrainian name to its id. The department package owns that
	// table, so the caller reads it (inactive ones too: old appeals were sent to departments since closed).
	Departments map[string]int64
}

// ImportResult counts what an accepted file did.
type ImportResult struct {
	Rows    int // data rows in the file
	Added   int // new appeals
	Skipped int // rows whose reg_number the registry already has
}

// ImportProblem is one thing wrong with a file. The domain names it with message ids; the staff page and
// the command translate them.
type ImportProblem struct {
	Line    int    // the physical line where the row starts (the header is line 1)
	Column  string // the column at fault, "" for the whole row
	Message string // i18n id "import.error.…"
	Value   string // the value at fault, or a detail the message shows as {{.Value}}
	Want    string // what was expected, shown as {{.Want}}
}

// ImportProblemRow is one problem of a refused import file as people read it.
type ImportProblemRow struct {
	Line   int
	Field  string // the column's name in the reader's language, or "the whole row", "the whole file"
	Column string // the column as written in the file's header
	Reason string
}

// Describe says the problem in l's language: the page and the command line show it alike.
func (p ImportProblem) Describe(l *i18n.L) ImportProblemRow {
	field := l.T("import.whole_row")
	switch {
	case p.Column != "":
		field = l.T("import.column." + p.Column)
	case p.Line <= 1:
		field = l.T("import.whole_file")
	}
	return ImportProblemRow{Line: p.Line, Field: field, Column: p.Column,
		Reason: l.Tf(p.Message, "Value", p.Value, "Want", p.Want)}
}

// ImportError refuses a file and lists every problem found in it, in the order of the file.
type ImportError struct {
	Problems []ImportProblem
}

func (e *ImportError) Error() string {
	return fmt.Sprintf("import refused: %d problem(s), the first on line %d: %s %s", len(e.Problems),
		e.Problems[0].Line, e.Problems[0].Column, e.Problems[0].Message)
}

// importRow is one good row on its way to the database.
type importRow struct {
	line   int
	appeal *Appeal
	parsed bool // the reg_number follows the index pattern: RegYear and RegSeq come from it
}

// ImportAppeals reads a CSV registry of appeals (see ImportColumns) and adds every appeal the registry does
// not have yet, all in one transaction: a file with any bad row adds nothing, and the error lists every
// bad row. Rows are known by reg_number, so importing the same file again adds nothing.
//
// A reg_number that follows the configured index pattern keeps its year and number, and the year's counter
// is raised past it so the portal's own numbers never collide; any other reg_number is kept as written
// with a negative placeholder number in its year of receipt ("imported with a foreign number").
// Imported appeals have no timeline events and send no e-mail: they happened elsewhere, before.
func (s *Service) ImportAppeals(ctx context.Context, r io.Reader, o ImportOptions) (*ImportResult, error) {
	// The settlements are read before the file, as the departments are: a settlement an admin adds while a
	// file is checked counts from the next import.
	places, err := settlement.LoadIndex(ctx, s.db, s.clf.SettlementKinds)
	if err != nil {
		return nil, fmt.Errorf("import appeals: %w", err)
	}
	p := &importParser{s: s, depts: map[string]int64{}, index: indexPattern(s.pattern), seen: map[string]int{},
		seqSeen: map[[2]int]int{}, places: places}
	for name, id := range o.Departments {
		p.depts[departmentKey(name)] = id
	}
	rows := p.read(r)
	res := &ImportResult{Rows: p.dataRows}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if len(p.problems) == 0 && len(rows) == 0 {
			p.problem(1, "", "import.error.no_rows", "", "")
		}
		if len(p.problems) > 0 && len(rows) == 0 {
			return p.refusal()
		}
		fresh, err := p.checkAgainstRegistry(tx, rows)
		if err != nil {
			return err
		}
		if len(p.problems) > 0 {
			return p.refusal()
		}
		res.Skipped = len(rows) - len(fresh)
		if err := s.numberForeign(tx, fresh); err != nil {
			return err
		}
		if err := s.insertImported(tx, fresh, p.places); err != nil {
			return err
		}
		res.Added = len(fresh)
		return audit.Record(ctx, tx, "appeal.import", "import", 0,
			fmt.Sprintf("file=%q rows=%d added=%d skipped=%d", o.FileName, res.Rows, res.Added, res.Skipped))
	})
	var refused *ImportError
	if errors.As(err, &refused) {
		return nil, refused
	}
	if err != nil {
		return nil, fmt.Errorf("import appeals: %w", err)
	}
	return res, nil
}

// importParser reads and checks a file row by row, collecting every problem instead of stopping at the first.
type importParser struct {
	s        *Service
	depts    map[string]int64
	index    *indexReader
	col      map[string]int // column name → position in the row
	problems []ImportProblem
	dataRows int
	seen     map[string]int // reg_number → the line it first appeared on
	seqSeen  map[[2]int]int // parsed (year, seq) → the line it first appeared on
	places   *settlement.Index
	xlsx     bool // the file is an XLSX: a date may be a serial number
}

func (p *importParser) problem(line int, column, msg, value, want string) {
	p.problems = append(p.problems, ImportProblem{Line: line, Column: column, Message: msg, Value: value, Want: want})
}

func (p *importParser) refusal() error {
	slices.SortStableFunc(p.problems, func(a, b ImportProblem) int { return a.Line - b.Line })
	return &ImportError{Problems: p.problems}
}

// maxImportRows bounds the rows of an XLSX registry (a CSV is read as it streams).
const maxImportRows = 1_000_000

// read parses the whole file — a CSV or an XLSX's first sheet — into good rows; bad rows become problems.
func (p *importParser) read(r io.Reader) []importRow {
	cr, xlsx, err := openTable(r, maxImportRows+1)
	switch {
	case errors.Is(err, ErrUnreadableXLSX):
		p.problem(1, "", "import.error.xlsx", "", "")
		return nil
	case errors.Is(err, ErrTooManyRows):
		p.problem(0, "", "import.error.too_many_rows", "", strconv.Itoa(maxImportRows))
		return nil
	case errors.Is(err, ErrTooWide):
		p.problem(0, "", "import.error.too_wide", "", strconv.Itoa(MaxColumns))
		return nil
	case err != nil:
		p.problem(0, "", "import.error.read", err.Error(), "")
		return nil
	}
	p.xlsx = xlsx
	header, err := cr.Read()
	if err != nil {
		p.problem(1, "", "import.error.empty", "", "")
		return nil
	}
	if len(header) > MaxColumns {
		p.problem(1, "", "import.error.too_wide", "", strconv.Itoa(MaxColumns))
		return nil
	}
	if !p.readHeader(header) {
		return nil
	}
	var rows []importRow
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			// The reader goes on at the next line; a quote left open swallows the rest of the file, which
			// then ends here with this one problem.
			p.dataRows++
			p.problem(pe.StartLine, "", "import.error.quotes", "", "")
			continue
		}
		if err != nil {
			p.problem(0, "", "import.error.read", err.Error(), "")
			break
		}
		p.dataRows++
		line, _ := cr.FieldPos(0)
		if len(rec) != len(header) {
			p.problem(line, "", "import.error.field_count", strconv.Itoa(len(rec)), strconv.Itoa(len(header)))
			continue
		}
		for _, v := range rec {
			if !utf8.ValidString(v) {
				// The encoding is the whole file's: Windows-1251 once is Windows-1251 throughout.
				p.problem(line, "", "import.error.encoding", "", "")
				return rows
			}
		}
		if !p.readableCells(line, rec) {
			continue
		}
		if row, ok := p.row(line, rec); ok {
			rows = append(rows, row)
		}
	}
	return rows
}

// OpenCSV reads a spreadsheet's CSV as Excel writes it: without the byte order mark of "CSV UTF-8", with
// the separator the header line uses (";" or ","), and a row of another length left for the caller to
// report rather than ending the file. The registry's import and the intake of cards both read through it.
func OpenCSV(r io.Reader) *csv.Reader {
	br := bufio.NewReaderSize(r, 64<<10)
	// Excel's "CSV UTF-8" starts with a byte order mark; it is not part of the first column's name.
	if bom, _ := br.Peek(3); bytes.Equal(bom, []byte("\xef\xbb\xbf")) {
		_, _ = br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.Comma = detectSeparator(br)
	cr.FieldsPerRecord = -1 // a row with the wrong number of cells is a bad row, not the end of the file
	cr.ReuseRecord = false
	return cr
}

// readableCells checks, at the edge as every form's field is checked, that each cell is text: no NUL or
// other control characters (line breaks and tabs only in the summary), no direction overrides. A cell
// that is not is the row's problem; nothing of the row is stored.
func (p *importParser) readableCells(line int, rec []string) bool {
	ok := true
	for name, i := range p.col {
		if _, problem := form.Check(rec[i], name == "summary", 0); problem != "" {
			p.problem(line, name, "import.error.characters", "", "")
			ok = false
		}
	}
	return ok
}

// detectSeparator reads the header line: Ukrainian Excel writes ";" between cells (the comma is the decimal
// separator there), everything else ",". Column names contain neither.
func detectSeparator(br *bufio.Reader) rune {
	head, _ := br.Peek(br.Size())
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		head = head[:i]
	}
	if bytes.Count(head, []byte(";")) > bytes.Count(head, []byte(",")) {
		return ';'
	}
	return ','
}

func (p *importParser) readHeader(header []string) bool {
	p.col = map[string]int{}
	ok := true
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(h))
		switch {
		case !utf8.ValidString(name):
			p.problem(1, "", "import.error.encoding", "", "")
			return false
		case !slices.Contains(ImportColumns, name):
			// A misspelt column would otherwise be dropped without a word, with its data.
			p.problem(1, "", "import.error.unknown_column", h, strings.Join(ImportColumns, ", "))
			ok = false
		case p.has(name):
			p.problem(1, "", "import.error.repeated_column", name, "")
			ok = false
		default:
			p.col[name] = i
		}
	}
	for _, name := range importRequired {
		if !p.has(name) {
			p.problem(1, name, "import.error.missing_column", name, "")
			ok = false
		}
	}
	return ok
}

func (p *importParser) has(column string) bool {
	_, ok := p.col[column]
	return ok
}

// row checks one data row and builds its card; ok is false when the row has any problem.
func (p *importParser) row(line int, rec []string) (importRow, bool) {
	before := len(p.problems)
	r := &rowReader{p: p, line: line, rec: rec}
	index := r.regNumber()
	in, received, receivedOK := r.content()
	dept := r.department()
	place := r.settlement()
	status, result, answered := r.closing(received, receivedOK)
	row := importRow{line: line}
	year, seq := p.s.clock.Date(received).Year(), 0
	if receivedOK && index != "" {
		row.parsed, year, seq = r.number(index, year)
	}
	if len(p.problems) > before {
		return importRow{}, false
	}
	a := appealOf(&in)
	a.SettlementID = place // nil: found in the address when the row is added (deriveNew)
	a.RegIndex, a.RegYear, a.RegSeq = index, year, seq
	a.DepartmentID, a.Status, a.Result, a.AnsweredAt = dept, status, result, answered
	if slices.Contains(Closed, status) {
		for i := range a.Questions {
			a.Questions[i].Result = result
		}
	}
	row.appeal = a
	return row, true
}

// rowReader reads the cells of one data row and reports its problems.
type rowReader struct {
	p    *importParser
	line int
	rec  []string
	name string // the author's name as written, words one space apart
}

func (r *rowReader) get(column string) string {
	if i, ok := r.p.col[column]; ok {
		return strings.TrimSpace(r.rec[i])
	}
	return ""
}

func (r *rowReader) bad(column, msg, value, want string) {
	r.p.problem(r.line, column, msg, value, want)
}

// regNumber reads the row's registration number, which must be new within the file.
func (r *rowReader) regNumber() string {
	index := r.get("reg_number")
	switch {
	case index == "":
		r.bad("reg_number", "import.error.required", "", "")
	case utf8.RuneCountInString(index) > maxRegNumberLen:
		r.bad("reg_number", "import.error.too_long", "", strconv.Itoa(maxRegNumberLen))
	default:
		if first, dup := r.p.seen[index]; dup {
			r.bad("reg_number", "import.error.repeated_number", index, strconv.Itoa(first))
		} else {
			r.p.seen[index] = r.line
		}
	}
	return index
}

// content reads what the appeal says and checks it with the registry's one validator, as a record
// registered elsewhere (checkContent's newAppeal false). The problems are reported in the order of the
// template's columns. receivedOK is false when the date of receipt is missing, unreadable or in the future.
func (r *rowReader) content() (in RegisterInput, received time.Time, receivedOK bool) {
	received, receivedOK = r.date("received_at", true)
	// "Прізвище Ім'я По батькові": the surname first, then the given name, then the patronymic (which may
	// be more than one word in some traditions).
	r.name = strings.Join(strings.Fields(r.get("author_name")), " ")
	in = RegisterInput{Channel: r.get("channel"), ExternalRef: r.get("external_ref"), Type: r.get("type"),
		Nature: r.get("nature"), Sign: r.get("sign"), Address: r.get("author_address"), Email: r.get("author_email"),
		Phone: r.get("author_phone"), Gender: r.get("gender"), SocialStatus: r.get("social_status"),
		Categories: splitList(r.get("author_categories")), Summary: r.get("summary"), ReceivedAt: received, Signers: 1}
	in.LastName, in.FirstName, in.Patronymic = splitName(r.name)
	for _, code := range splitList(r.get("subjects")) {
		in.Questions = append(in.Questions, QuestionInput{SubjectCode: code})
	}
	var found []ImportProblem
	if v := r.get("signers"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			found = append(found, ImportProblem{Line: r.line, Column: "signers", Message: "import.error.not_number", Value: v})
			n = 1 // reported; the other rules still check the rest of the row
			if in.Nature == NatureCollective {
				n = 2
			}
		}
		in.Signers = n
	}
	subjects := len(in.Questions)
	for _, pr := range r.p.s.checkContent(&in, false) {
		if ip, ok := r.say(pr, subjects); ok {
			found = append(found, ip)
		}
		receivedOK = receivedOK && pr.field != fieldReceivedAt
	}
	if len(found) > 0 {
		slices.SortStableFunc(found, func(a, b ImportProblem) int {
			return slices.Index(ImportColumns, a.Column) - slices.Index(ImportColumns, b.Column)
		})
		r.p.problems = append(r.p.problems, oneNameProblem(found)...)
	}
	return in, received, receivedOK
}

// importColumns are the import's columns for the content's fields named otherwise.
var importColumns = map[string]string{fieldLastName: "author_name", fieldFirstName: "author_name",
	fieldPatronymic: "author_name", fieldAddress: "author_address", fieldEmail: "author_email",
	fieldPhone: "author_phone", fieldCategories: "author_categories", fieldQuestions: "subjects",
	fieldQuestionSubject: "subjects"}

// say is a content problem in the import's words: under its column, with the value at fault and what was
// expected. ok is false for the problems only a new registration has (none reach here).
func (r *rowReader) say(pr problem, subjects int) (ImportProblem, bool) {
	column := pr.field
	if c, ok := importColumns[pr.field]; ok {
		column = c
	}
	ip := ImportProblem{Line: r.line, Column: column}
	switch pr.code {
	case probRequired:
		ip.Message = "import.error.required"
		if pr.field == fieldFirstName { // the surname alone: the cell has one word
			ip.Message, ip.Value = "import.error.name_short", r.name
		}
	case probTooLong:
		ip.Message, ip.Want = "import.error.too_long", strconv.Itoa(pr.limit)
	case probTooMany:
		ip.Message, ip.Value, ip.Want = "import.error.too_many_subjects", strconv.Itoa(subjects), strconv.Itoa(pr.limit)
	case probUnknown:
		ip.Message, ip.Value, ip.Want = "import.error.unknown_code", pr.value, codesOf(r.p.s.listOf(pr.field))
	case probDigits:
		ip.Message, ip.Value = "import.error.name_digits", r.name
	case probEmail:
		ip.Message, ip.Value = "import.error.email", r.get(column)
	case probPhone:
		ip.Message, ip.Value = "import.error.phone", r.get(column)
	case probFuture:
		ip.Message, ip.Value = "import.error.future", r.get(column)
	case probSigners:
		ip.Message, ip.Value, ip.Want = "import.error.signers_collective", r.get(column), strconv.Itoa(MaxSigners)
	case probSingle:
		ip.Message, ip.Value = "import.error.signers_single", r.get(column)
	default:
		return ImportProblem{}, false
	}
	return ip, true
}

// nameProblemRank orders the problems of the author's name, the most basic first.
var nameProblemRank = map[string]int{"import.error.required": 1, "import.error.name_short": 2,
	"import.error.name_digits": 3, "import.error.too_long": 4}

// oneNameProblem keeps one problem of the author's name, the cell the three parts share: the most basic
// (missing, one word, digits, too long).
func oneNameProblem(found []ImportProblem) []ImportProblem {
	best := -1
	for i, ip := range found {
		if ip.Column == "author_name" && (best < 0 || nameProblemRank[ip.Message] < nameProblemRank[found[best].Message]) {
			best = i
		}
	}
	return slices.DeleteFunc(found, func(ip ImportProblem) bool {
		return ip.Column == "author_name" && (best < 0 || ip != found[best])
	})
}

// listOf is the classifier list a content field's codes come from.
func (s *Service) listOf(field string) classifier.List {
	return map[string]classifier.List{fieldChannel: s.clf.Channels, fieldType: s.clf.Types,
		fieldNature: s.clf.Natures, fieldSign: s.clf.Signs, fieldGender: s.clf.Genders,
		fieldSocialStatus: s.clf.SocialStatuses, fieldCategories: s.clf.Categories,
		fieldQuestionSubject: s.clf.Subjects}[field]
}

// department finds the row's department by its Ukrainian name.
func (r *rowReader) department() *int64 {
	d := r.get("department")
	if d == "" {
		return nil
	}
	id, ok := r.p.depts[departmentKey(d)]
	if !ok {
		r.bad("department", "import.error.unknown_department", d, "")
		return nil
	}
	return &id
}

// settlement finds the row's settlement by its name ("Зелене", "с. Зелене") among the active ones; an
// empty cell leaves it to the address, as a registration does.
func (r *rowReader) settlement() *int64 {
	name := r.get("settlement")
	if name == "" {
		return nil
	}
	id := r.p.places.Match(name)
	if id == nil {
		r.bad("settlement", "import.error.unknown_settlement", name, "")
	}
	return id
}

// closing reads how far the appeal got: its status, result and day of answer, which must agree (a closed
// appeal has a result and an answer date, an open one neither).
func (r *rowReader) closing(received time.Time, receivedOK bool) (status, result string, answeredAt *time.Time) {
	answered, answeredOK := r.answeredAt()
	status = r.get("status")
	switch {
	case status == "" && !answered.IsZero():
		status = StatusAnswered
	case status == "":
		status = StatusRegistered
	case !slices.Contains(Statuses, status):
		r.bad("status", "import.error.unknown_code", status, strings.Join(Statuses, ", "))
	}
	result = r.get("result")
	if result != "" && !r.p.s.clf.Results.Has(result) {
		r.bad("result", "import.error.unknown_code", result, codesOf(r.p.s.clf.Results))
	}
	closed, known := slices.Contains(Closed, status), slices.Contains(Statuses, status)
	switch {
	case closed && result == "":
		r.bad("result", "import.error.closed_needs_result", status, "")
	case !closed && result != "" && known:
		r.bad("result", "import.error.open_with_result", status, "")
	}
	switch {
	case closed && answered.IsZero() && answeredOK:
		r.bad("answered_at", "import.error.closed_needs_answered_at", status, "")
	case !closed && !answered.IsZero() && known:
		r.bad("answered_at", "import.error.open_with_answered_at", status, "")
	}
	clock := r.p.s.clock
	if receivedOK && answeredOK && !answered.IsZero() && clock.Date(answered).Before(clock.Date(received)) {
		r.bad("answered_at", "import.error.answered_before_received", r.get("answered_at"), r.get("received_at"))
	}
	if answered.IsZero() {
		return status, result, nil
	}
	at := answered.UTC()
	return status, result, &at
}

// number reads a registration number written under the index pattern back into its year and number,
// which no other row of the file may hold; parsed is false for a number from elsewhere, which keeps the
// year of receipt.
func (r *rowReader) number(index string, receivedYear int) (parsed bool, year, seq int) {
	year, seq, parsed = r.p.index.read(index, receivedYear)
	if !parsed {
		return false, receivedYear, 0
	}
	key := [2]int{year, seq}
	if first, dup := r.p.seqSeen[key]; dup && r.p.seen[index] == r.line {
		r.bad("reg_number", "import.error.number_in_file", index, strconv.Itoa(first))
	} else if !dup {
		r.p.seqSeen[key] = r.line
	}
	return true, year, seq
}

// date reads "YYYY-MM-DD" (the start of that day in the council's zone) or an RFC 3339 instant. ok is
// false when the value is wrong (and reported); an empty optional value gives the zero time and ok.
func (r *rowReader) date(column string, required bool) (time.Time, bool) {
	v := r.get(column)
	if v == "" {
		if required {
			r.bad(column, "import.error.required", "", "")
			return time.Time{}, false
		}
		return time.Time{}, true
	}
	if r.p.xlsx {
		if t, ok := ExcelDate(v, r.p.s.clock.Zone()); ok {
			return t, true
		}
	}
	t, err := time.ParseInLocation(time.DateOnly, v, r.p.s.clock.Zone())
	if err != nil {
		if t, err = time.Parse(time.RFC3339, v); err != nil {
			r.bad(column, "import.error.date", v, "")
			return time.Time{}, false
		}
	}
	return t, true
}

// answeredAt reads the day of the answer, which cannot be in the future.
func (r *rowReader) answeredAt() (time.Time, bool) {
	t, ok := r.date("answered_at", false)
	if clock := r.p.s.clock; ok && clock.Date(t).After(clock.Today()) {
		r.bad("answered_at", "import.error.future", r.get("answered_at"), "")
		return time.Time{}, false
	}
	return t, ok
}

// checkAgainstRegistry locks the counters of every year the file touches, then drops the rows the registry
// already has and reports numbers another appeal already holds. It returns the rows to add.
func (p *importParser) checkAgainstRegistry(tx *gorm.DB, rows []importRow) ([]importRow, error) {
	// Raise each year's counter to at least the highest number the file brings, first: the counter's row
	// lock (PostgreSQL) or the write lock (SQLite) then holds until commit, so no registration or other
	// import can take one of these numbers while this one checks and inserts.
	top := map[int]int{}
	for _, r := range rows {
		top[r.appeal.RegYear] = max(top[r.appeal.RegYear], r.appeal.RegSeq)
	}
	years := make([]int, 0, len(top))
	for y := range top {
		years = append(years, y)
	}
	slices.Sort(years) // one order for every transaction: no deadlocks between two imports
	for _, y := range years {
		err := tx.Exec(`INSERT INTO registry_counters (year, last_seq) VALUES (?, ?)
			ON CONFLICT (year) DO UPDATE SET last_seq = CASE WHEN registry_counters.last_seq < excluded.last_seq
				THEN excluded.last_seq ELSE registry_counters.last_seq END`, y, max(top[y], 0)).Error
		if err != nil {
			return nil, fmt.Errorf("raise registration counter: %w", err)
		}
	}

	existing := map[string]bool{}
	indexes := make([]string, len(rows))
	for i, r := range rows {
		indexes[i] = r.appeal.RegIndex
	}
	for chunk := range slices.Chunk(indexes, importLookupBatch) {
		var found []string
		if err := tx.Model(&Appeal{}).Where("reg_index IN ?", chunk).Pluck("reg_index", &found).Error; err != nil {
			return nil, fmt.Errorf("find imported numbers: %w", err)
		}
		for _, f := range found {
			existing[f] = true
		}
	}
	var fresh []importRow
	bySeq := map[int]map[int]importRow{} // year → seq → row, for the rows whose numbers follow the pattern
	for _, r := range rows {
		if existing[r.appeal.RegIndex] {
			continue
		}
		fresh = append(fresh, r)
		if r.parsed {
			if bySeq[r.appeal.RegYear] == nil {
				bySeq[r.appeal.RegYear] = map[int]importRow{}
			}
			bySeq[r.appeal.RegYear][r.appeal.RegSeq] = r
		}
	}
	for _, y := range years {
		seqs := make([]int, 0, len(bySeq[y]))
		for seq := range bySeq[y] {
			seqs = append(seqs, seq)
		}
		slices.Sort(seqs)
		for chunk := range slices.Chunk(seqs, importLookupBatch) {
			var taken []struct {
				RegSeq   int
				RegIndex string
			}
			err := tx.Model(&Appeal{}).Select("reg_seq, reg_index").Where("reg_year = ? AND reg_seq IN ?", y, chunk).
				Scan(&taken).Error
			if err != nil {
				return nil, fmt.Errorf("find taken numbers: %w", err)
			}
			for _, t := range taken {
				r := bySeq[y][t.RegSeq]
				p.problem(r.line, "reg_number", "import.error.number_taken", r.appeal.RegIndex, t.RegIndex)
			}
		}
	}
	return fresh, nil
}

// numberForeign gives the rows whose reg_number does not follow the pattern their place in the year:
// negative numbers counting down from the year's lowest, so they never meet the portal's own (positive)
// sequence, and UNIQUE (reg_year, reg_seq) holds. The counters are locked, so the minimum stays put.
func (s *Service) numberForeign(tx *gorm.DB, rows []importRow) error {
	next := map[int]int{}
	for _, r := range rows {
		a := r.appeal
		if r.parsed {
			continue
		}
		seq, ok := next[a.RegYear]
		if !ok {
			var lowest int
			err := tx.Model(&Appeal{}).Select("COALESCE(MIN(reg_seq), 0)").Where("reg_year = ?", a.RegYear).
				Scan(&lowest).Error
			if err != nil {
				return fmt.Errorf("lowest imported number: %w", err)
			}
			seq = min(lowest, 0) - 1
		}
		a.RegSeq = seq
		next[a.RegYear] = seq - 1
	}
	return nil
}

// insertImported derives the rows' cards and writes them as the cards of other systems are written
// (insertAppeals): one way for imported appeals into the table.
func (s *Service) insertImported(tx *gorm.DB, rows []importRow, places *settlement.Index) error {
	now := s.clock.Now()
	appeals := make([]*Appeal, len(rows))
	for i, r := range rows {
		r.appeal.CreatedAt, r.appeal.UpdatedAt = now, now
		s.deriveNew(r.appeal, places) // only the rows added: a row already in the registry is skipped, underived
		appeals[i] = r.appeal
	}
	return insertAppeals(tx, appeals)
}

// indexReader is the inverse of FormatIndex: it reads a registration number written under the pattern
// back into its year and number.
type indexReader struct {
	re     *regexp.Regexp
	tokens []string // the pattern's placeholders in the order of the regexp's groups
}

func indexPattern(pattern string) *indexReader {
	ir := &indexReader{}
	var b strings.Builder
	b.WriteString("^")
	for rest := pattern; rest != ""; {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			b.WriteString(regexp.QuoteMeta(rest))
			break
		}
		b.WriteString(regexp.QuoteMeta(rest[:i]))
		rest = rest[i:]
		token := ""
		for _, t := range []string{"{letter}", "{seq}", "{year}", "{yy}"} {
			if strings.HasPrefix(rest, t) {
				token = t
			}
		}
		switch token {
		case "{letter}":
			b.WriteString(`(\p{Lu}{1,2})`) // an upper-case initial, or КО / БП
		case "{seq}":
			b.WriteString(`([1-9][0-9]{0,8})`) // as strconv.Itoa writes it: no leading zeros
		case "{year}":
			b.WriteString(`([0-9]{4})`)
		case "{yy}":
			b.WriteString(`([0-9]{2})`)
		default:
			b.WriteString(regexp.QuoteMeta("{"))
			rest = rest[1:]
			continue
		}
		ir.tokens = append(ir.tokens, token)
		rest = rest[len(token):]
	}
	b.WriteString("$")
	ir.re = regexp.MustCompile(b.String())
	return ir
}

// read returns the year and number of index, or ok false when index does not follow the pattern. A
// two-digit year is taken in the century nearest the year of receipt; a pattern without a year (old
// configurations) numbers within the year of receipt, as RegisterAppeal does.
func (ir *indexReader) read(index string, receivedYear int) (year, seq int, ok bool) {
	m := ir.re.FindStringSubmatch(index)
	if m == nil {
		return 0, 0, false
	}
	year, seq = receivedYear, 0
	seen := map[string]string{}
	for i, t := range ir.tokens {
		v := m[i+1]
		if prev, dup := seen[t]; dup && prev != v {
			return 0, 0, false // the same placeholder twice must say the same thing
		}
		seen[t] = v
		n, _ := strconv.Atoi(v)
		switch t {
		case "{seq}":
			seq = n
		case "{year}":
			year = n
		case "{yy}":
			century := receivedYear - receivedYear%100
			year = century + n
			if year > receivedYear+50 {
				year -= 100
			} else if year < receivedYear-50 {
				year += 100
			}
		}
	}
	if seen["{year}"] != "" && seen["{yy}"] != "" && fmt.Sprintf("%02d", year%100) != seen["{yy}"] {
		return 0, 0, false
	}
	return year, seq, seq > 0
}

// departmentKey is how a department's name is compared: trimmed, inner spaces collapsed, case folded.
func departmentKey(name string) string {
	return strings.ToLower(strings.Join(strings.Fields(name), " "))
}

// codesOf lists a classifier list's codes for a message that says what would have been right.
func codesOf(l classifier.List) string {
	codes := make([]string, len(l))
	for i, it := range l {
		codes[i] = it.Code
	}
	return strings.Join(codes, ", ")
}

// splitList reads a ";"-separated list of codes, ignoring blanks.
func splitList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ";") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}
