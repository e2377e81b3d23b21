package form

import (
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"
)

func TestCheck(t *testing.T) {
	cases := []struct {
		name, in  string
		multiline bool
		max       int
		want      string
		problem   string
	}{
		{"plain", "  Коваленко ", false, 100, "Коваленко", ""},
		{"apostrophe", "Дем'яненко", false, 100, "Дем'яненко", ""},
		{"tab and newline in one line", "Олена\tПетрівна\r\n", false, 100, "Олена Петрівна", ""},
		{"multi-line keeps lines", "Перший рядок\r\nДругий\tрядок\n", true, 100, "Перший рядок\nДругий\tрядок", ""},
		{"lone CR", "a\rb", true, 100, "a\nb", ""},
		{"NUL", "ab\x00cd", false, 100, "abcd", Unreadable},
		{"NUL in text", "ab\x00cd", true, 100, "abcd", Unreadable},
		{"not UTF-8", "\xff\xfeКиїв", false, 100, "Київ", Unreadable},
		{"half a letter", "Київ\xd0", false, 100, "Київ", Unreadable},
		{"escape sequence", "\x1b[31mred", false, 100, "[31mred", Unreadable},
		{"C1 control", "a\u0085b", true, 100, "ab", Unreadable},
		{"DEL", "a\x7fb", false, 100, "ab", Unreadable},
		{"direction override", "inv\u202efdp.exe", false, 100, "invfdp.exe", Unreadable},
		{"isolate", "a\u2066b\u2069", false, 100, "ab", Unreadable},
		{"zero-width joiner is text", "👩\u200d💻", false, 100, "👩\u200d💻", ""},
		{"at the limit", strings.Repeat("ї", 40), false, 40, strings.Repeat("ї", 40), ""},
		{"over the limit by characters", strings.Repeat("ї", 41), false, 40, strings.Repeat("ї", 41), TooLong},
		{"no limit", strings.Repeat("я", 5000), true, 0, strings.Repeat("я", 5000), ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, problem := Check(c.in, c.multiline, c.max)
			if got != c.want || problem != c.problem {
				t.Errorf("Check(%q) = %q, %q; want %q, %q", c.in, got, problem, c.want, c.problem)
			}
		})
	}
}

func TestCut(t *testing.T) {
	if got := Cut(strings.Repeat("ї", 40), 32); got != strings.Repeat("ї", 32) || !utf8.ValidString(got) {
		t.Errorf("Cut by characters: %q", got)
	}
	if got := Cut("abc", 10); got != "abc" {
		t.Errorf("Cut of a short text: %q", got)
	}
}

func TestReader(t *testing.T) {
	r := New(url.Values{
		"name":    {"Олена\x00"},
		"status":  {"unknown"},
		"channel": {"phone"},
		"subject": {"09", "99.99", "09"},
		"page":    {"99999999999999999999999"},
		"count":   {"7"},
		"from":    {"2024-02-30"},
		"to":      {"2024-03-31"},
		"overdue": {"on"},
	})
	known := In("phone", "mail", "09")
	if got := r.Line("name", 100); got != "Олена" {
		t.Errorf("Line = %q", got)
	}
	if got := r.Code("status", known); got != "" {
		t.Errorf("Code outside the list = %q", got)
	}
	if got := r.Code("channel", known); got != "phone" {
		t.Errorf("Code = %q", got)
	}
	if got := r.Codes("subject", known); len(got) != 1 || got[0] != "09" {
		t.Errorf("Codes = %q", got)
	}
	if _, ok := r.Int("page", 1, 1000); ok {
		t.Error("a number too large for any column was read")
	}
	if n, ok := r.Int("count", 1, 10); !ok || n != 7 {
		t.Errorf("Int = %d, %v", n, ok)
	}
	if _, ok := r.Int("missing", 1, 10); ok {
		t.Error("a missing number was read")
	}
	if d := r.Date("from"); !d.IsZero() {
		t.Errorf("an impossible date was read: %v", d)
	}
	if d := r.Date("to"); d.Format(DateLayout) != "2024-03-31" {
		t.Errorf("Date = %v", d)
	}
	if !r.Flag("overdue") || r.Flag("priority") {
		t.Error("Flag")
	}
	want := map[string]string{"name": Unreadable, "status": Choose, "subject": Choose, "page": Number, "from": Date}
	got := r.Problems()
	if len(got) != len(want) {
		t.Errorf("problems %v, want %v", got, want)
	}
	for f, m := range want {
		if got[f] != m {
			t.Errorf("problem of %s = %q, want %q", f, got[f], m)
		}
	}
}

// FuzzCheck: whatever comes in, what Check returns can be stored and shown: valid UTF-8, no control or
// reordering characters (newline and tab only in multi-line text), within the limit unless it says
// TooLong, and checking it again finds nothing more to remove.
func FuzzCheck(f *testing.F) {
	for _, s := range []string{"", "Коваленко", "a\x00b", "\xff\xfe", "Київ\xd0", "inv\u202efdp", "a\r\nb\tc",
		strings.Repeat("ї", 41), "\x1b[31m", "\u0085", " \n "} {
		f.Add(s, false, 40)
		f.Add(s, true, 0)
	}
	f.Fuzz(func(t *testing.T, in string, multiline bool, max int) {
		out, problem := Check(in, multiline, max)
		if !utf8.ValidString(out) {
			t.Fatalf("not UTF-8: %q", out)
		}
		for _, r := range out {
			if (unicode.IsControl(r) && !(multiline && (r == '\n' || r == '\t'))) || reordering(r) {
				t.Fatalf("%q left in %q", r, out)
			}
		}
		if problem == "" && max > 0 && utf8.RuneCountInString(out) > max {
			t.Fatalf("over the limit without a problem: %d > %d", utf8.RuneCountInString(out), max)
		}
		again, p2 := Check(out, multiline, max)
		if again != out || p2 == Unreadable {
			t.Fatalf("not stable: %q → %q (%s)", out, again, p2)
		}
	})
}

// FuzzReader: no value read through a Reader panics, and every value it returns is clean.
func FuzzReader(f *testing.F) {
	f.Add("q=%00&page=1&from=2024-01-01&status=x", "q")
	f.Add("page=99999999999999999999&from=2024-02-30", "page")
	f.Add("q=%FF%FE&q=a", "q")
	f.Fuzz(func(t *testing.T, query, field string) {
		values, err := url.ParseQuery(query)
		if err != nil {
			return
		}
		r := New(values)
		for _, v := range []string{r.Line(field, 50), r.Text(field, 50), r.Code(field, In("a", "b"))} {
			if !utf8.ValidString(v) || strings.ContainsRune(v, 0) {
				t.Fatalf("unclean %q", v)
			}
		}
		r.Int(field, 1, 100)
		r.Date(field)
		r.Codes(field, In("a"))
		for field, msg := range r.Problems() {
			if msg == "" || field == "" && !values.Has("") {
				t.Fatalf("problem %q: %q", field, msg)
			}
		}
	})
}

// People type dates as ДД.ММ.РРРР; browsers and links send РРРР-ММ-ДД: both are one date.
func TestParseDate(t *testing.T) {
	for in, want := range map[string]string{"30.11.2026": "2026-11-30", "1.2.2026": "2026-02-01", " 2026-11-30 ": "2026-11-30",
		"01.02.2026": "2026-02-01"} {
		if d, ok := ParseDate(in); !ok || d.Format(DateLayout) != want || d.Location() != time.UTC {
			t.Errorf("%q: %v %v, want %s", in, d, ok, want)
		}
	}
	for _, bad := range []string{"", "31.02.2026", "30/11/2026", "2026-13-01", "30.11.26", "01.01.1899", "11.30.2026", "30.11.2026x"} {
		if d, ok := ParseDate(bad); ok {
			t.Errorf("%q was read as %v", bad, d)
		}
	}
}
