package pdfdoc_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/hromada/hromada/internal/pdfdoc"
	"github.com/hromada/hromada/internal/pdftest"
)

// Cyrillic text comes out of the PDF as it went in (the font's characters map back to Unicode), long
// text wraps inside the margins and runs on to new pages.
func TestTextReadsBackAndFlowsOntoNewPages(t *testing.T) {
	d, err := pdfdoc.New(pdfdoc.A4Portrait, pdfdoc.Margins{Top: 20 * pdfdoc.MM, Right: 10 * pdfdoc.MM, Bottom: 20 * pdfdoc.MM, Left: 30 * pdfdoc.MM}, "Тест")
	if err != nil {
		t.Fatal(err)
	}
	d.Text("Зразкова міська рада — ЄДРПОУ 04057287, «лапки» і апостроф: м'ясо", 12)
	d.Column(d.Left(), d.Width(), "По центру", 10, pdfdoc.Center)
	d.Table([]float64{200, 100}, []string{"Поле", "Значення"}, [][]string{{"Індекс", "Ш-12/26"}}, 10, true)
	long := strings.Repeat("Слово за словом пишемо довгий текст листа. ", 400)
	d.Text(long, 12)
	var b bytes.Buffer
	if err := d.Write(&b); err != nil {
		t.Fatal(err)
	}
	text := pdftest.Text(t, b.Bytes())
	for _, want := range []string{"Зразкова міська рада — ЄДРПОУ 04057287, «лапки» і апостроф: м'ясо", "По центру", "Індекс", "Ш-12/26", "Слово за словом"} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF's text lacks %q", want)
		}
	}
	if n := pdftest.Pages(t, b.Bytes()); n < 3 {
		t.Errorf("%d pages: the long text did not run on", n)
	}
}
