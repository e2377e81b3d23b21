// Package pdftest reads the text of a PDF in tests, with github.com/ledongthuc/pdf (pure Go, no program
// to install): what a person would read on the page, to check letters and cards by their words.
package pdftest

import (
	"bytes"
	"math"
	"sort"
	"strings"
	"testing"

	"github.com/ledongthuc/pdf"
)

// Text is the text of every page of the PDF, page after page: the pieces of text that stand on one line
// (the same baseline, to the point) joined by " " from left to right, lines from the top down, joined by
// "\n". A document that cannot be read fails the test.
//
// The positions come from the page's content as a viewer reads it (Page.Content, which follows the
// text matrix through Td, TD and Tm); the library's GetTextByRow ignores TD, which gopdf writes for
// every line, and so put a whole page on one row in an order that was not the page's.
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
		for _, line := range pageLines(t, r.Page(i), i) {
			b.WriteString(line)
			b.WriteString("\n")
		}
	}
	return b.String()
}

// piece is one shown string (a Tj or TJ) with where it starts.
type piece struct {
	x, y float64
	s    string
}

// pageLines reads a page's pieces of text in the order they are drawn and sets them out as lines. The
// library places every character of a TJ at the string's start (it measures two-byte glyph codes as
// one byte wide), so a new position is a new piece; the "\n" it decodes after each TJ ends the piece
// and is dropped (with a two-byte cmap it comes out as U+FFFD).
func pageLines(t testing.TB, p pdf.Page, n int) (lines []string) {
	t.Helper()
	defer func() {
		if e := recover(); e != nil {
			t.Fatalf("page %d: %v", n, e)
		}
	}()
	var pieces []piece
	for _, ch := range p.Content().Text {
		if k := len(pieces) - 1; k >= 0 && pieces[k].x == ch.X && pieces[k].y == ch.Y {
			pieces[k].s += ch.S
			continue
		}
		pieces = append(pieces, piece{x: ch.X, y: ch.Y, s: ch.S})
	}
	for i := range pieces {
		pieces[i].s = strings.TrimSuffix(strings.TrimSuffix(pieces[i].s, "\n"), "\ufffd")
	}
	// Top down, then left to right; pieces on baselines less than half a point apart share a line.
	sort.SliceStable(pieces, func(i, j int) bool {
		if math.Abs(pieces[i].y-pieces[j].y) >= 0.5 {
			return pieces[i].y > pieces[j].y
		}
		return pieces[i].x < pieces[j].x
	})
	var line []string
	y := math.Inf(1)
	for _, pc := range pieces {
		if math.Abs(pc.y-y) >= 0.5 && line != nil {
			lines = append(lines, strings.Join(line, " "))
			line = nil
		}
		y = pc.y
		if pc.s != "" {
			line = append(line, pc.s)
		}
	}
	if line != nil {
		lines = append(lines, strings.Join(line, " "))
	}
	return lines
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
