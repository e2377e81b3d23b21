package intake

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hromada/hromada/internal/form"
	"github.com/hromada/hromada/internal/registry"
	"github.com/hromada/hromada/internal/source"
)

// Bounds on what one file may make the server do (an XLSX is never inflated past registry.MaxUnzipped).
const (
	maxRows      = 200000
	maxShown     = 30 // the first values of a map a problem lists as what would have been right
	progressStep = 200
)

// Problem is one thing wrong with a file: where (the line — the spreadsheet's row number, or the CSV's
// line — and the column as the file's header names it) and why (a message id with its values).
type Problem struct {
	Line    int    `json:"line"`
	Column  string `json:"column,omitempty"` // the header as written in the file, or the field's first header
	Field   string `json:"field,omitempty"`  // the profile's field
	Message string `json:"message"`
	Value   string `json:"value,omitempty"`
	Want    string `json:"want,omitempty"`
}

// CardLine is a card of the preview: where it is and which card it is (no personal data: the preview is
// kept with the run).
type CardLine struct {
	Line       int       `json:"line"`
	Number     string    `json:"number"`
	Registered time.Time `json:"registered"`
	AppealID   int64     `json:"appeal_id,omitempty"`
	RegIndex   string    `json:"reg_index,omitempty"`
	Changed    []string  `json:"changed,omitempty"` // the file's headers of what changed
	Urgent     bool      `json:"urgent,omitempty"`
}

// Preview is what a file would do: the cards to add, those the registry has (with what changed, which is
// reported and never written over), and every problem. A file with any problem is refused whole.
type Preview struct {
	Rows     int        `json:"rows"`
	New      []CardLine `json:"new"`
	Known    []CardLine `json:"known"`
	Problems []Problem  `json:"problems"`
}

// Changed counts the known cards the file now says otherwise.
func (p *Preview) Changed() int {
	n := 0
	for _, k := range p.Known {
		if len(k.Changed) > 0 {
			n++
		}
	}
	return n
}

// Progress is told how many of a file's rows are read.
type Progress func(done, total int)

// Check reads a file through the profile and says what importing it would do; nothing is written.
func (s *Service) Check(ctx context.Context, p *Profile, name string, content []byte, progress Progress) (*Preview, []registry.Card, error) {
	src, err := s.sources.Get(ctx, p.SourceID)
	if err != nil {
		return nil, nil, err
	}
	sp, err := p.Spec()
	if err != nil {
		return nil, nil, err
	}
	rows, lines, problem := readSheet(name, content)
	pv := &Preview{}
	if problem != nil {
		pv.Problems = []Problem{*problem}
		return pv, nil, nil
	}
	rd := &cardReader{s: s, src: src, sp: sp, xlsx: registry.IsXLSX(content), seen: map[string]int{}, urgent: map[int]bool{}}
	cards := rd.read(rows, lines, p.HeaderRow, progress)
	pv.Rows, pv.Problems = rd.dataRows, rd.problems
	if len(cards) == 0 && len(pv.Problems) == 0 {
		pv.Problems = append(pv.Problems, Problem{Line: p.HeaderRow, Message: "import.error.no_rows"})
	}
	known, err := s.reg.KnownCards(ctx, src.ID, cards)
	if err != nil {
		return nil, nil, err
	}
	isKnown := map[string]bool{}
	for _, k := range known {
		isKnown[k.Number] = true
		var changed []string
		for _, f := range k.Changed {
			changed = append(changed, rd.header(fieldOfContent(sp, f)))
		}
		pv.Known = append(pv.Known, CardLine{Line: k.Line, Number: k.Number, AppealID: k.AppealID, RegIndex: k.RegIndex,
			Changed: slices.Compact(changed)})
	}
	for _, c := range cards {
		if !isKnown[c.Input.ExternalNumber] {
			pv.New = append(pv.New, CardLine{Line: c.Line, Number: c.Input.ExternalNumber, Registered: c.Input.ReceivedAt,
				Urgent: rd.urgent[c.Line]})
		}
	}
	slices.SortStableFunc(pv.Problems, func(a, b Problem) int { return a.Line - b.Line })
	return pv, cards, nil
}

// readSheet reads the file's rows: an XLSX's first sheet (row numbers as the spreadsheet shows them, cells
// as stored, so dates come as serial numbers whatever their display format), or a CSV as Excel writes it.
func readSheet(name string, content []byte) (rows [][]string, lines []int, problem *Problem) {
	if registry.IsXLSX(content) {
		var err error
		rows, err = registry.ReadXLSX(content, maxRows+maxHeaderRow)
		switch {
		case errors.Is(err, registry.ErrTooManyRows):
			return nil, nil, &Problem{Message: "intake.error.too_many_rows", Want: strconv.Itoa(maxRows)}
		case errors.Is(err, registry.ErrTooWide):
			return nil, nil, &Problem{Message: "import.error.too_wide", Want: strconv.Itoa(registry.MaxColumns)}
		case err != nil:
			return nil, nil, &Problem{Message: "intake.error.xlsx"}
		case len(rows) == 0:
			return nil, nil, &Problem{Message: "import.error.empty"}
		}
		lines = make([]int, len(rows))
		for i := range rows {
			lines[i] = i + 1
		}
		return rows, lines, nil
	}
	if strings.HasSuffix(strings.ToLower(name), ".xls") || bytes.HasPrefix(content, []byte("\xd0\xcf\x11\xe0")) {
		return nil, nil, &Problem{Message: "intake.error.xls"} // the old binary format: save as XLSX or CSV
	}
	cr := registry.OpenCSV(bytes.NewReader(content))
	cells := 0
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, nil, &Problem{Line: pe.StartLine, Message: "import.error.quotes"}
		}
		if err != nil {
			return nil, nil, &Problem{Message: "import.error.read", Value: err.Error()}
		}
		line, _ := cr.FieldPos(0)
		for _, v := range rec {
			if !utf8.ValidString(v) {
				return nil, nil, &Problem{Line: line, Message: "import.error.encoding"}
			}
		}
		if len(rows) > maxRows+maxHeaderRow {
			return nil, nil, &Problem{Message: "intake.error.too_many_rows", Want: strconv.Itoa(maxRows)}
		}
		// A file of bare separators is as many empty cells: bounded as a sheet is.
		if cells += len(rec); len(rec) > registry.MaxColumns || cells > registry.MaxCells {
			return nil, nil, &Problem{Line: line, Message: "import.error.too_wide", Want: strconv.Itoa(registry.MaxColumns)}
		}
		rows, lines = append(rows, rec), append(lines, line)
	}
	if len(rows) == 0 {
		return nil, nil, &Problem{Line: 1, Message: "import.error.empty"}
	}
	return rows, lines, nil
}

// cardReader turns a file's rows into the registry's cards through one profile.
type cardReader struct {
	s        *Service
	src      *source.Source
	sp       *Spec
	xlsx     bool
	col      map[string]int    // field → its cell in a row
	headers  map[string]string // field → the header as the file writes it
	problems []Problem
	dataRows int
	seen     map[string]int // card number → its first line
	urgent   map[int]bool   // lines of urgent cards
}

func (rd *cardReader) problem(line int, field, msg, value, want string) {
	rd.problems = append(rd.problems, Problem{Line: line, Column: rd.header(field), Field: field, Message: msg,
		Value: value, Want: want})
}

// header is how the file names a field's column: its header as written, else the profile's first name.
func (rd *cardReader) header(field string) string {
	if h, ok := rd.headers[field]; ok {
		return h
	}
	if c, ok := rd.sp.Column(field); ok {
		return c.Headers[0]
	}
	return ""
}

func (rd *cardReader) read(rows [][]string, lines []int, headerRow int, progress Progress) []registry.Card {
	if len(rows) < headerRow {
		rd.problem(max(len(lines), 1), "", "intake.error.no_header", strconv.Itoa(headerRow), "")
		return nil
	}
	if !rd.readHeader(rows[headerRow-1], lines[headerRow-1]) {
		return nil
	}
	var cards []registry.Card
	total := len(rows) - headerRow
	for i, row := range rows[headerRow:] {
		if i%progressStep == 0 && progress != nil {
			progress(i, total)
		}
		if registry.BlankRow(row) {
			continue
		}
		rd.dataRows++
		if c, ok := rd.card(lines[headerRow+i], row); ok {
			cards = append(cards, c)
		}
	}
	if progress != nil {
		progress(total, total)
	}
	return cards
}

// readHeader finds each mapped field's column; unmapped columns are the source's own business and are
// left alone. A required column missing, or two columns for one field, refuse the file.
func (rd *cardReader) readHeader(header []string, line int) bool {
	rd.col, rd.headers = map[string]int{}, map[string]string{}
	field := map[string]string{}
	for _, c := range rd.sp.Columns {
		for _, h := range c.Headers {
			field[headerKey(h)] = c.Field
		}
	}
	ok := true
	for i, h := range header {
		f, mapped := field[headerKey(h)]
		switch {
		case !mapped:
		case rd.has(f):
			rd.problems = append(rd.problems, Problem{Line: line, Column: strings.TrimSpace(h), Field: f,
				Message: "import.error.repeated_column", Value: strings.TrimSpace(h)})
			ok = false
		default:
			rd.col[f], rd.headers[f] = i, strings.TrimSpace(h)
		}
	}
	for _, c := range rd.sp.Columns {
		if c.Required && !rd.has(c.Field) {
			rd.problem(line, c.Field, "import.error.missing_column", c.Headers[0], "")
			ok = false
		}
	}
	if !rd.has("full_name") && !(rd.has("last_name") && rd.has("first_name")) {
		rd.problem(line, "last_name", "intake.error.no_name_column", "", "")
		ok = false
	}
	return ok
}

func (rd *cardReader) has(field string) bool {
	_, ok := rd.col[field]
	return ok
}

// row reads the cells of one data row.
type row struct {
	rd    *cardReader
	line  int
	cells []string
	ok    bool
}

// get returns the field's cell checked at the edge (form.Check: text, no controls or direction marks),
// "" when the column is absent or the row ends before it.
func (r *row) get(field string) string {
	i, ok := r.rd.col[field]
	if !ok || i >= len(r.cells) {
		r.required(field, "")
		return ""
	}
	f, _ := FieldOf(field)
	v, problem := form.Check(r.cells[i], f.Multiline, f.Max)
	switch problem {
	case form.Unreadable:
		r.bad(field, "import.error.characters", "", "")
		return ""
	case form.TooLong:
		r.bad(field, "import.error.too_long", "", strconv.Itoa(f.Max))
		return ""
	}
	r.required(field, v)
	return v
}

func (r *row) required(field, v string) {
	if c, ok := r.rd.sp.Column(field); ok && c.Required && v == "" {
		r.bad(field, "import.error.required", "", "")
	}
}

func (r *row) bad(field, msg, value, want string) {
	r.ok = false
	r.rd.problem(r.line, field, msg, value, want)
}

// mapped reads a cell through its value map: every value must be in the map (a value the clerk has not
// mapped is a problem, never a silent default).
func (r *row) mapped(field string) []string {
	v := r.get(field)
	if v == "" {
		return nil
	}
	f, _ := FieldOf(field)
	parts := []string{v}
	if f.Multi {
		parts = strings.Split(v, ";")
	}
	var codes []string
	for _, part := range parts {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		code, ok := r.rd.sp.lookup(f.List, part)
		if !ok {
			r.bad(field, "intake.error.unmapped", part, r.rd.sp.theirs(f.List))
			continue
		}
		if !slices.Contains(codes, code) {
			codes = append(codes, code)
		}
	}
	return codes
}

func (r *row) one(field string) string {
	if codes := r.mapped(field); len(codes) > 0 {
		return codes[0]
	}
	return ""
}

// lookup finds our code for the source's value in a list.
func (sp *Spec) lookup(list, their string) (string, bool) {
	if sp.index == nil {
		sp.index = map[string]map[string]string{}
		for l, pairs := range sp.Values {
			sp.index[l] = map[string]string{}
			for _, p := range pairs {
				sp.index[l][valueKey(p.Their)] = p.Ours
			}
		}
	}
	ours, ok := sp.index[list][valueKey(their)]
	return ours, ok
}

// theirs lists the source's values a list maps, for a problem that says what would have been right.
func (sp *Spec) theirs(list string) string {
	var out []string
	for i, p := range sp.Values[list] {
		if i == maxShown {
			out = append(out, "…")
			break
		}
		out = append(out, p.Their)
	}
	return strings.Join(out, "; ")
}

// date reads a date cell in one of the profile's formats (or, from an XLSX, the spreadsheet's serial
// date), in the council's zone.
func (r *row) date(field string) (time.Time, bool) {
	v := r.get(field)
	if v == "" {
		return time.Time{}, false
	}
	zone := r.rd.s.clock.Zone()
	for _, layout := range r.rd.sp.layouts {
		if t, err := time.ParseInLocation(layout, v, zone); err == nil {
			return t, true
		}
	}
	if r.rd.xlsx {
		if t, ok := registry.ExcelDate(v, zone); ok { // the wall-clock time the spreadsheet shows: the council's
			return t, true
		}
	}
	r.bad(field, "intake.error.date", v, strings.Join(r.rd.sp.Formats, "; "))
	return time.Time{}, false
}

// card reads one data row into a card; ok is false when the row has any problem.
func (rd *cardReader) card(line int, cells []string) (registry.Card, bool) {
	r := &row{rd: rd, line: line, cells: cells, ok: true}
	number := r.get("card_number")
	if first, dup := rd.seen[number]; dup && number != "" {
		r.bad("card_number", "import.error.repeated_number", number, strconv.Itoa(first))
	} else if number != "" {
		rd.seen[number] = line
	}
	registered, _ := r.date("registered_at")
	control, hasControl := r.date("control_date")
	in := registry.RegisterInput{Channel: rd.src.Channel, SourceID: &rd.src.ID, ExternalNumber: number,
		ReceivedAt: registered, Address: r.get("address"), Phone: r.get("phone"), Email: r.get("email"),
		Summary: r.get("text"), Type: r.one("type"), Sign: r.one("sign"), SocialStatus: r.one("social_status"),
		Categories: r.mapped("category"), Signers: 1}
	if !registered.IsZero() {
		day := rd.s.clock.Date(registered)
		in.ExternalDate = &day
	}
	if rd.has("full_name") {
		in.LastName, in.FirstName, in.Patronymic = registry.SplitName(r.get("full_name"))
	}
	if rd.has("last_name") {
		in.LastName, in.FirstName, in.Patronymic = r.get("last_name"), r.get("first_name"), r.get("patronymic")
	}
	for _, code := range r.mapped("subject") {
		in.Questions = append(in.Questions, registry.QuestionInput{SubjectCode: code})
	}
	if rd.has("urgency") {
		rd.urgent[line] = r.one("urgency") == "urgent"
	}
	if rd.has("responsible_body") {
		r.get("responsible_body") // checked as text; the registry keeps no other body than the council
	}
	c := registry.Card{Line: line}
	if hasControl {
		day := rd.s.clock.Date(control)
		if !registered.IsZero() && day.Before(rd.s.clock.Date(registered)) {
			r.bad("control_date", "intake.error.control_before", r.get("control_date"), "")
		}
		c.ControlDate = &day
	}
	if r.ok {
		// The registry's one validator, as a record registered elsewhere; only cells read cleanly reach it,
		// so its problems are the content's, not the reading's.
		for _, pr := range rd.s.reg.CheckCard(&in) {
			r.bad(fieldOfContent(rd.sp, pr.Field), pr.Message, pr.Value, pr.Want)
		}
	}
	c.Input = in
	return c, r.ok
}

// fieldOfContent is the profile's field of a registry content field.
func fieldOfContent(sp *Spec, content string) string {
	name := func(part string) string {
		if _, ok := sp.Column(part); ok {
			return part
		}
		return "full_name"
	}
	switch content {
	case registry.CardFieldReceivedAt:
		return "registered_at"
	case registry.CardFieldNumber:
		return "card_number"
	case registry.CardFieldLastName, registry.CardFieldFirstName, registry.CardFieldPatronymic:
		return name(content)
	case registry.CardFieldCategories:
		return "category"
	case registry.CardFieldSocial:
		return "social_status"
	case registry.CardFieldSubject, registry.CardFieldQuestions:
		return "subject"
	case registry.CardFieldSummary:
		return "text"
	case registry.CardFieldType, registry.CardFieldSign, registry.CardFieldAddress, registry.CardFieldPhone,
		registry.CardFieldEmail:
		return content
	}
	return ""
}

// String is the problem for logs and test failures: where, and the message id.
func (p Problem) String() string {
	return fmt.Sprintf("line %d %s: %s", p.Line, p.Column, p.Message)
}
