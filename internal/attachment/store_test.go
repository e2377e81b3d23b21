package attachment

import (
	"bytes"
	"errors"
	"io"
	"testing"
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
