// Package pdftest reads the text of a PDF in tests, with github.com/ledongthuc/pdf (pure Go, no program
// to install): what a person would read on the page, to check letters and cards by their words.
package pdftest

import (
	"bytes"
	"strings"
	"testing"

	"github.com/ledongthuc/pdf"
)

// Text is the text of every page of the PDF, page after page, lines joined by "\n"; a document that
// cannot be read fails the test.
func Text(t testing.TB, data []byte) string {
	t.Helper()
	if !bytes.HasPrefix(data, []byte("%PDF-")) {
		t.Fatalf("not a PDF: starts %q", data[:min(len(data), 16)])
	}
	r, err := pdf.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("read the PDF: %v", err)
	}
	var b strings.Builder
	for i := 1; i <= r.NumPage(); i++ {
		rows, err := r.Page(i).GetTextByRow()
		if err != nil {
			t.Fatalf("page %d: %v", i, err)
		}
		for _, row := range rows {
			for j, w := range row.Content {
				if j > 0 {
					b.WriteString(" ")
				}
				b.WriteString(w.S)
			}
			b.WriteString("\n")
		}
	}
	return b.String()
}

// Pages is the number of pages of the PDF.
func Pages(t testing.TB, data []byte) int {
	t.Helper()
	r, err := pdf.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("read the PDF: %v", err)
	}
	return r.NumPage()
}
