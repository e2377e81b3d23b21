package attachment

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSave(t *testing.T) {
	s, err := NewStore(t.TempDir(), 1024)
	if err != nil {
		t.Fatal(err)
	}
	pdf := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("x"), 100)...)
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
	cases := []struct {
		name string
		data []byte
		ct   string
		err  error
	}{
		{"pdf", pdf, "application/pdf", nil},
		{"png", png, "image/png", nil},
		{"jpeg", []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00"), "image/jpeg", nil},
		{"html named .pdf", []byte("<html><script>alert(1)</script></html>"), "", ErrType},
		{"exe", []byte("MZ\x90\x00\x03"), "", ErrType},
		{"too large", append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("x"), 1100)...), "", ErrTooLarge},
		{"empty", nil, "", ErrType},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.Save(bytes.NewReader(tc.data))
			if !errors.Is(err, tc.err) {
				t.Fatalf("err = %v, want %v", err, tc.err)
			}
			if err != nil {
				return
			}
			if got.ContentType != tc.ct || got.Size != int64(len(tc.data)) {
				t.Fatalf("got %+v", got)
			}
			f, err := s.Open(got.SHA256)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			back, _ := io.ReadAll(f)
			if !bytes.Equal(back, tc.data) {
				t.Fatal("stored bytes differ")
			}
		})
	}
	if _, err := s.Open("../../etc/passwd"); err == nil {
		t.Fatal("path traversal must not open")
	}
}

func TestCleanName(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"plain Cyrillic", "акт огляду.pdf", "акт огляду.pdf"},
		{"path", `C:\Users\olena\скан.png`, "скан.png"},
		{"unix path", "../../etc/passwd", "passwd"},
		{"controls and quotes", "a\x00b\r\n\"c\x7f.pdf", "abc.pdf"},
		{"right-to-left override", "inv\u202Efdp.exe", "invfdp.exe"},
		{"bidi embeddings", "\u202Aa\u202Bb\u202Cc\u202Dd.pdf", "abcd.pdf"},
		{"bidi isolates", "x\u2066y\u2067z\u2068w\u2069.pdf", "xyzw.pdf"},
		{"marks", "a\u200Eb\u200Fc\u061C.pdf", "abc.pdf"},
		{"zero width", "зая\u200Bва\u200C\u200D.pdf", "заява.pdf"},
		{"byte order mark", "\uFEFFскан.jpg", "скан.jpg"},
		{"soft hyphen and word joiner", "ска\u00ADн\u2060.jpg", "скан.jpg"},
		{"interlinear and tags", "a\uFFF9b\U000E0041.pdf", "ab.pdf"},
		{"line and paragraph separators", "a\u2028b\u2029c.pdf", "abc.pdf"},
		{"private use and unassigned", "a\uE000b\U0010FFFDc\U000EFFFF.pdf", "abc.pdf"},
		{"Hangul filler", "a\u3164.pdf", "a.pdf"},
		{"invalid UTF-8", "a\xffb.pdf", "a\uFFFDb.pdf"},
		{"spaces kept inside, trimmed outside", "  звіт\u00A0за рік.pdf\u2003", "звіт\u00A0за рік.pdf"},
		{"only invisible", "\u202E\u200B", "file"},
		{"empty", "", "file"},
		{"emoji and accents", "café 🙂.png", "café 🙂.png"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := CleanName(tc.in); got != tc.want {
				t.Fatalf("CleanName(%+q) = %+q, want %+q", tc.in, got, tc.want)
			}
		})
	}
	long := CleanName(strings.Repeat("я", 300) + ".pdf")
	if n := utf8.RuneCountInString(long); n != 200 {
		t.Fatalf("a long name keeps 200 characters, got %d", n)
	}
}
