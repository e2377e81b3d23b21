// Package form reads what comes in from outside — form fields and query parameters — and checks every
// value once, here at the edge: valid UTF-8, no NUL or other control characters (newline and tab only in
// multi-line text), no characters that reorder text on screen, length counted in characters, codes within
// their list, numbers and dates that parse. A value that fails is reported beside its field (a message id
// in errs.Validation) and handed back cleaned, so the page can show the form again without it; the code
// below the edge (the domain, SQL) then only ever sees text it can store.
package form

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/hromada/hromada/internal/errs"
)

// Message ids of the problems found here (internal/i18n/locales/form.*.json).
const (
	Unreadable = "form.error.unreadable" // not UTF-8, or control or direction-changing characters
	TooLong    = "form.error.too_long"
	Choose     = "form.error.choose" // a code outside its list
	Number     = "form.error.number"
	Date       = "form.error.date"
)

// DateLayout is how dates travel in query strings and links (the value of <input type="date">).
const DateLayout = "2006-01-02"

// DayLayout is how people type and read a date (ДД.ММ.РРРР); forms accept it beside DateLayout.
const DayLayout = "02.01.2006"

// ParseDate reads a calendar date typed as ДД.ММ.РРРР (one-digit day and month too) or РРРР-ММ-ДД, as
// midnight UTC; ok is false for anything else and for years outside 1900–9999.
func ParseDate(v string) (time.Time, bool) {
	v = strings.TrimSpace(v)
	for _, layout := range []string{DayLayout, "2.1.2006", DateLayout} {
		if d, err := time.Parse(layout, v); err == nil {
			return d, d.Year() >= 1900 && d.Year() <= 9999
		}
	}
	return time.Time{}, false
}

// Limits for values that have no limit of their own in the domain: a search box, a one-line field.
const (
	MaxSearch = 200
	MaxLine   = 1000
	MaxText   = 100000 // a multi-line field whose own limit, if any, the domain checks
)

// Check returns s as it may be stored and shown, and the problem with it ("" when none). One-line text
// (multiline false) is trimmed and its tabs and line breaks become spaces, as a browser's one-line input
// would have made them; multi-line text keeps newlines and tabs, with CRLF made LF. Anything else that is
// not text — bytes that are not UTF-8, NUL and the other C0 and C1 control characters, the Unicode
// direction overrides and isolates that make text read differently from how it is stored — is a problem
// (Unreadable) and is dropped from the returned value. More than max characters is TooLong, with the value
// returned whole, so the person can shorten it; max ≤ 0 means no limit.
func Check(s string, multiline bool, max int) (string, string) {
	problem := ""
	if !utf8.ValidString(s) {
		problem = Unreadable
		s = strings.ToValidUTF8(s, "")
	}
	if multiline {
		s = strings.ReplaceAll(s, "\r\n", "\n")
	}
	clean := strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t' || r == '\r':
			if multiline && r != '\r' {
				return r
			}
			if multiline {
				return '\n' // a lone CR is an old Mac line break
			}
			return ' '
		case unicode.IsControl(r) || reordering(r) || r == utf8.RuneError || r == 0xFFFE || r == 0xFFFF:
			problem = Unreadable
			return -1
		}
		return r
	}, s)
	clean = strings.TrimSpace(clean)
	if problem == "" && max > 0 && utf8.RuneCountInString(clean) > max {
		problem = TooLong
	}
	return clean, problem
}

// reordering says whether r is one of the invisible marks that change the order in which text is
// displayed (embeddings, overrides, isolates): "inv‮fdp.exe" shows as "invexe.pdf".
func reordering(r rune) bool {
	return r >= 0x202A && r <= 0x202E || r >= 0x2066 && r <= 0x2069
}

// Cut shortens s to at most n characters, never splitting one: for search terms that a database cuts
// anyway, where a byte cut would leave half a letter.
func Cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i := 0
	for range n {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return s[:i]
}

// Reader reads the values of one form or query string and collects the problems of each field.
type Reader struct {
	values   url.Values
	problems errs.Validation
}

// New reads values (a posted form, or a query string).
func New(values url.Values) *Reader {
	if values == nil {
		values = url.Values{}
	}
	return &Reader{values: values, problems: errs.Validation{}}
}

// Problems returns the problems found so far, field → message id.
func (r *Reader) Problems() errs.Validation { return r.problems }

// Problem records a problem the caller found in a field (the first one a field has stays).
func (r *Reader) Problem(field, message string) { r.problems.Add(field, message) }

// Rename reports a field's problem under another name: the one the page shows the field by.
func (r *Reader) Rename(from, to string) {
	if msg, ok := r.problems[from]; ok {
		delete(r.problems, from)
		r.problems.Add(to, msg)
	}
}

// Has says whether the field was sent at all.
func (r *Reader) Has(field string) bool { return r.values.Has(field) }

// raw is the field's first value.
func (r *Reader) raw(field string) string { return r.values.Get(field) }

func (r *Reader) text(field string, multiline bool, max int) string {
	v, problem := Check(r.raw(field), multiline, max)
	if problem != "" {
		r.problems.Add(field, problem)
	}
	return v
}

// Line is a one-line text field of at most max characters.
func (r *Reader) Line(field string, max int) string { return r.text(field, false, max) }

// Text is a multi-line text field of at most max characters.
func (r *Reader) Text(field string, max int) string { return r.text(field, true, max) }

// Lines are every value of a repeated one-line field (checkboxes, a multiple select), each at most max
// characters.
func (r *Reader) Lines(field string, max int) []string {
	var out []string
	for _, raw := range r.values[field] {
		v, problem := Check(raw, false, max)
		if problem != "" {
			r.problems.Add(field, problem)
			continue
		}
		out = append(out, v)
	}
	return out
}

// Code is a field whose value must be one of a list (a classifier code, a status, a sort order); ""
// means nothing was chosen. A value outside the list is a problem (Choose) and reads as "".
func (r *Reader) Code(field string, known func(string) bool) string {
	v := r.Line(field, MaxLine)
	if v == "" || known(v) {
		return v
	}
	r.problems.Add(field, Choose)
	return ""
}

// Codes are the chosen values of a repeated field, each within the list.
func (r *Reader) Codes(field string, known func(string) bool) []string {
	var out []string
	for _, v := range r.Lines(field, MaxLine) {
		if v == "" {
			continue
		}
		if !known(v) {
			r.problems.Add(field, Choose)
			continue
		}
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// Int is a whole number from min to max; "" gives 0 and false without a problem.
func (r *Reader) Int(field string, min, max int64) (int64, bool) {
	v := r.Line(field, 40)
	if v == "" {
		return 0, false
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < min || n > max {
		r.problems.Add(field, Number)
		return 0, false
	}
	return n, true
}

// ID is the id of a row chosen in a list (a positive number); "" gives 0.
func (r *Reader) ID(field string) int64 {
	n, _ := r.Int(field, 1, 1<<62)
	return n
}

// Date is a calendar date (ДД.ММ.РРРР or РРРР-ММ-ДД, see ParseDate) as midnight UTC; "" gives the zero
// time without a problem.
func (r *Reader) Date(field string) time.Time {
	v := r.Line(field, 40)
	if v == "" {
		return time.Time{}
	}
	d, ok := ParseDate(v)
	if !ok {
		r.problems.Add(field, Date)
		return time.Time{}
	}
	return d
}

// Flag is a checkbox: sent with any value means on.
func (r *Reader) Flag(field string) bool { return r.raw(field) != "" }

// PageOf is the page number a list's links carry ("page"), 1 when it is missing or cannot be read.
func PageOf(values url.Values) int {
	n, err := strconv.Atoi(values.Get("page"))
	if err != nil || n < 1 || n > 1<<30 {
		return 1
	}
	return n
}

// In is a membership test for Code over a fixed list.
func In(list ...string) func(string) bool {
	return func(v string) bool { return slices.Contains(list, v) }
}
