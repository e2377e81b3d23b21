package registry

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/hromada/hromada/internal/audit"
	"github.com/hromada/hromada/internal/classifier"
)

// ImportColumns are the columns of an import file, in the order of the template. A file may put them in
// any order; the header row names them.
var ImportColumns = []string{"reg_number", "received_at", "channel", "external_ref", "type", "nature", "signers",
	"sign", "author_name", "author_address", "author_email", "author_phone", "gender", "author_categories",
	"social_status", "subjects", "summary", "department", "status", "result", "answered_at"}

// importRequired are the columns a file must have. The others may be left out: a registry kept in a
// spreadsheet rarely records, say, the sign of receipt, and an absent column reads as empty cells.
var importRequired = []string{"reg_number", "received_at", "channel", "type", "subjects", "summary", "author_name"}

// Import limits. Batches stay under SQLite's 32,766 and PostgreSQL's 65,535 bound parameters per statement.
const (
	maxRegNumberLen     = 100
	importAppealBatch   = 500
	importQuestionBatch = 2000
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
	line     int
	appeal   *Appeal
	parsed   bool // the reg_number follows the index pattern: RegYear and RegSeq come from it
	received time.Time
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
	p := &importParser{s: s, depts: map[string]int64{}, index: indexPattern(s.pattern), seen: map[string]int{},
		seqSeen: map[[2]int]int{}}
	for name, id := range o.Departments {
		p.depts[departmentKey(name)] = id
	}
	rows := p.read(r)
	res := &ImportResult{Rows: p.dataRows}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
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
		if err := insertImported(tx, fresh); err != nil {
			return err
		}
		res.Added = len(fresh)
		if res.Added >= importAnalyzeAfter && tx.Dialector.Name() == "postgres" {
			// Until autovacuum gets round to it, the planner believes the table as small as before the
			// import and reads it whole for every lookup (a second import of 100,000 rows took two
			// minutes instead of two seconds). Fresh statistics commit with the rows.
			if err := tx.Exec("ANALYZE appeals, appeal_questions").Error; err != nil {
				return fmt.Errorf("analyze: %w", err)
			}
		}
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
}

func (p *importParser) problem(line int, column, msg, value, want string) {
	p.problems = append(p.problems, ImportProblem{Line: line, Column: column, Message: msg, Value: value, Want: want})
}

func (p *importParser) refusal() error {
	slices.SortStableFunc(p.problems, func(a, b ImportProblem) int { return a.Line - b.Line })
	return &ImportError{Problems: p.problems}
}

// read parses the whole file into good rows; bad rows become problems.
func (p *importParser) read(r io.Reader) []importRow {
	br := bufio.NewReaderSize(r, 64<<10)
	// Excel's "CSV UTF-8" starts with a byte order mark; it is not part of the first column's name.
	if bom, _ := br.Peek(3); bytes.Equal(bom, []byte("\xef\xbb\xbf")) {
		_, _ = br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.Comma = detectSeparator(br)
	cr.FieldsPerRecord = -1 // a row with the wrong number of cells is a bad row, not the end of the file
	cr.ReuseRecord = false

	header, err := cr.Read()
	if err != nil {
		p.problem(1, "", "import.error.empty", "", "")
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
		if row, ok := p.row(line, rec); ok {
			rows = append(rows, row)
		}
	}
	return rows
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
	get := func(column string) string {
		if i, ok := p.col[column]; ok {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	bad := func(column, msg, value, want string) { p.problem(line, column, msg, value, want) }
	clf := p.s.clf
	code := func(column string, list classifier.List, fallback string) string {
		v := get(column)
		switch {
		case v == "":
			return fallback
		case !list.Has(v):
			bad(column, "import.error.unknown_code", v, codesOf(list))
		}
		return v
	}

	a := &Appeal{}
	a.RegIndex = get("reg_number")
	switch {
	case a.RegIndex == "":
		bad("reg_number", "import.error.required", "", "")
	case utf8.RuneCountInString(a.RegIndex) > maxRegNumberLen:
		bad("reg_number", "import.error.too_long", "", strconv.Itoa(maxRegNumberLen))
	default:
		if first, dup := p.seen[a.RegIndex]; dup {
			bad("reg_number", "import.error.repeated_number", a.RegIndex, strconv.Itoa(first))
		} else {
			p.seen[a.RegIndex] = line
		}
	}

	received, receivedOK := p.date("received_at", get("received_at"), true, bad)
	a.Channel = code("channel", clf.Channels, "")
	if a.Channel == "" {
		bad("channel", "import.error.required", "", "")
	}
	a.ExternalRef = get("external_ref")
	if utf8.RuneCountInString(a.ExternalRef) > maxExternalRef {
		bad("external_ref", "import.error.too_long", "", strconv.Itoa(maxExternalRef))
	}
	a.Type = code("type", clf.Types, "")
	if a.Type == "" {
		bad("type", "import.error.required", "", "")
	}
	a.Nature = code("nature", clf.Natures, NatureIndividual)
	a.Signers = 1
	switch v := get("signers"); {
	case a.Nature == NatureCollective && v == "":
		bad("signers", "import.error.signers_collective", "", strconv.Itoa(MaxSigners))
	case v == "":
	default:
		n, err := strconv.Atoi(v)
		switch {
		case err != nil:
			bad("signers", "import.error.not_number", v, "")
		case a.Nature == NatureCollective && (n < 2 || n > MaxSigners):
			bad("signers", "import.error.signers_collective", v, strconv.Itoa(MaxSigners))
		case a.Nature != NatureCollective && n != 1:
			bad("signers", "import.error.signers_single", v, "")
		default:
			a.Signers = n
		}
	}
	a.Sign = code("sign", clf.Signs, "primary")

	// "Прізвище Ім'я По батькові": the surname first, then the given name, then the patronymic (which may
	// be more than one word in some traditions).
	name := strings.Fields(get("author_name"))
	switch {
	case len(name) == 0 && a.Nature != NatureAnonymous:
		bad("author_name", "import.error.required", "", "")
	case len(name) == 1 && a.Nature != NatureAnonymous:
		bad("author_name", "import.error.name_short", strings.Join(name, " "), "")
	case strings.IndexFunc(strings.Join(name, ""), unicode.IsDigit) >= 0:
		bad("author_name", "import.error.name_digits", strings.Join(name, " "), "")
	default:
		a.AuthorLastName, a.AuthorFirstName, a.AuthorPatronymic = splitName(strings.Join(name, " "))
		for _, part := range []string{a.AuthorLastName, a.AuthorFirstName, a.AuthorPatronymic} {
			if utf8.RuneCountInString(part) > maxNameLen {
				bad("author_name", "import.error.too_long", "", strconv.Itoa(maxNameLen))
				break
			}
		}
	}
	a.AuthorAddress = get("author_address")
	if utf8.RuneCountInString(a.AuthorAddress) > maxAddressLen {
		bad("author_address", "import.error.too_long", "", strconv.Itoa(maxAddressLen))
	}
	a.AuthorEmail = get("author_email")
	if a.AuthorEmail != "" {
		if m, err := mail.ParseAddress(a.AuthorEmail); err != nil || m.Address != a.AuthorEmail {
			bad("author_email", "import.error.email", a.AuthorEmail, "")
		}
	}
	a.AuthorPhone = get("author_phone")
	if a.AuthorPhone != "" && !validPhone(a.AuthorPhone) {
		bad("author_phone", "import.error.phone", a.AuthorPhone, "")
	}
	a.AuthorGender = code("gender", clf.Genders, "")
	var categories []string
	for _, c := range splitList(get("author_categories")) {
		if !clf.Categories.Has(c) {
			bad("author_categories", "import.error.unknown_code", c, codesOf(clf.Categories))
		} else if !slices.Contains(categories, c) {
			categories = append(categories, c)
		}
	}
	a.AuthorCategories = strings.Join(categories, ";")
	a.Priority = p.s.hasPriority(categories)
	a.AuthorSocialStatus = code("social_status", clf.SocialStatuses, "")

	subjects := splitList(get("subjects"))
	switch {
	case len(subjects) == 0:
		bad("subjects", "import.error.required", "", "")
	case len(subjects) > MaxQuestions:
		bad("subjects", "import.error.too_many_subjects", strconv.Itoa(len(subjects)), strconv.Itoa(MaxQuestions))
	}
	for _, sc := range subjects {
		if !clf.Subjects.Has(sc) {
			bad("subjects", "import.error.unknown_code", sc, codesOf(clf.Subjects))
		}
	}
	a.Summary = get("summary")
	switch {
	case a.Summary == "":
		bad("summary", "import.error.required", "", "")
	case utf8.RuneCountInString(a.Summary) > maxSummaryLen:
		bad("summary", "import.error.too_long", "", strconv.Itoa(maxSummaryLen))
	}
	if d := get("department"); d != "" {
		id, ok := p.depts[departmentKey(d)]
		if !ok {
			bad("department", "import.error.unknown_department", d, "")
		} else {
			a.DepartmentID = &id
		}
	}

	answered, answeredOK := p.date("answered_at", get("answered_at"), false, bad)
	a.Status = get("status")
	switch {
	case a.Status == "" && !answered.IsZero():
		a.Status = StatusAnswered
	case a.Status == "":
		a.Status = StatusRegistered
	case !slices.Contains(Statuses, a.Status):
		bad("status", "import.error.unknown_code", a.Status, strings.Join(Statuses, ", "))
	}
	a.Result = code("result", clf.Results, "")
	closed := slices.Contains(Closed, a.Status)
	switch {
	case closed && a.Result == "":
		bad("result", "import.error.closed_needs_result", a.Status, "")
	case !closed && a.Result != "" && slices.Contains(Statuses, a.Status):
		bad("result", "import.error.open_with_result", a.Status, "")
	}
	switch {
	case closed && answered.IsZero() && answeredOK:
		bad("answered_at", "import.error.closed_needs_answered_at", a.Status, "")
	case !closed && !answered.IsZero() && slices.Contains(Statuses, a.Status):
		bad("answered_at", "import.error.open_with_answered_at", a.Status, "")
	}
	if receivedOK && answeredOK && !answered.IsZero() && p.s.localDate(answered).Before(p.s.localDate(received)) {
		bad("answered_at", "import.error.answered_before_received", get("answered_at"), get("received_at"))
	}
	if !answered.IsZero() {
		at := answered.UTC()
		a.AnsweredAt = &at
	}

	row := importRow{line: line, appeal: a, received: received}
	if receivedOK && a.RegIndex != "" {
		local := received.In(p.s.loc)
		if year, seq, ok := p.index.read(a.RegIndex, local.Year()); ok {
			row.parsed, a.RegYear, a.RegSeq = true, year, seq
			key := [2]int{year, seq}
			if first, dup := p.seqSeen[key]; dup && p.seen[a.RegIndex] == line {
				bad("reg_number", "import.error.number_in_file", a.RegIndex, strconv.Itoa(first))
			} else if !dup {
				p.seqSeen[key] = line
			}
		} else {
			a.RegYear = local.Year()
		}
		a.ReceivedAt = received.UTC()
		a.DueDate = DueDate(local, DefaultTermDays)
	}
	if len(p.problems) > before {
		return importRow{}, false
	}
	for i, sc := range subjects {
		q := Question{Position: i + 1, SubjectCode: sc}
		if closed {
			q.Result = a.Result
		}
		a.Questions = append(a.Questions, q)
	}
	a.DocumentKind = DocumentKindOf(a.Channel)
	a.SearchText = searchText(a)
	return row, true
}

// date reads "YYYY-MM-DD" (the start of that day in the council's zone) or an RFC 3339 instant. ok is
// false when the value is wrong (and reported); an empty optional value gives the zero time and ok.
func (p *importParser) date(column, v string, required bool, bad func(column, msg, value, want string)) (time.Time, bool) {
	if v == "" {
		if required {
			bad(column, "import.error.required", "", "")
			return time.Time{}, false
		}
		return time.Time{}, true
	}
	t, err := time.ParseInLocation(time.DateOnly, v, p.s.loc)
	if err != nil {
		if t, err = time.Parse(time.RFC3339, v); err != nil {
			bad(column, "import.error.date", v, "")
			return time.Time{}, false
		}
	}
	if p.s.localDate(t).After(p.s.today()) {
		bad(column, "import.error.future", v, "")
		return time.Time{}, false
	}
	return t, true
}

// localDate is the calendar date of t in the council's zone, as midnight UTC (like due dates).
func (s *Service) localDate(t time.Time) time.Time {
	y, m, d := t.In(s.loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
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

// insertImported writes the cards in multi-row INSERTs, then their questions.
func insertImported(tx *gorm.DB, rows []importRow) error {
	now := time.Now().UTC()
	appeals := make([]*Appeal, len(rows))
	for i, r := range rows {
		r.appeal.CreatedAt, r.appeal.UpdatedAt = now, now
		appeals[i] = r.appeal
	}
	for chunk := range slices.Chunk(appeals, importAppealBatch) {
		if err := tx.Omit(clause.Associations).Create(chunk).Error; err != nil {
			return fmt.Errorf("insert imported appeals: %w", err)
		}
	}
	var questions []Question
	for _, a := range appeals {
		for _, q := range a.Questions {
			q.AppealID = a.ID
			questions = append(questions, q)
		}
	}
	for chunk := range slices.Chunk(questions, importQuestionBatch) {
		if err := tx.Create(chunk).Error; err != nil {
			return fmt.Errorf("insert imported questions: %w", err)
		}
	}
	return nil
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
