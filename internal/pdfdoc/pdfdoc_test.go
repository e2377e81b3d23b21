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

// Every letter of the Ukrainian alphabet prints whole even when it is the only one of its kind in the
// document: gopdf embeds a composite glyph's parts only when they are used, and ї came out as ı or
// nothing ("Зразкова місько ради") before pdfdoc embedded the base letters. Each letter is rendered
// alone and must carry more ink than the letter it is built on.
func TestUkrainianLettersPrintWhole(t *testing.T) {
	ink := func(s string) int {
		d, err := pdfdoc.New(pdfdoc.Size{W: 120, H: 120}, pdfdoc.Even(10), "Літера")
		if err != nil {
			t.Fatal(err)
		}
		d.Text(s, 72)
		var b bytes.Buffer
		if err := d.Write(&b); err != nil {
			t.Fatal(err)
		}
		return pdftest.Render(t, b.Bytes(), 1, 72).Dark()
	}
	for letter, base := range map[string]string{"ї": "ı", "Ї": "I", "й": "и", "Й": "И", "і": "ı", "ґ": "г", "Ґ": "Г", "є": "с", "Є": "С"} {
		l, b := ink(letter), ink(base)
		if l <= b+b/20 {
			t.Errorf("«%s» printed with %d dark pixels, «%s» with %d: part of the letter is missing", letter, l, base, b)
		}
	}
	if n := ink("’"); n < 20 {
		t.Errorf("the apostrophe ’ printed with %d dark pixels", n)
	}
}

// A table's header and cells, and the text after the table, are printed dark on a light ground: the
// header's grey fill once became the colour of every later line (gopdf paints text with the fill
// colour), so the header was grey on grey and the cells nearly white. Checked on the rendered page
// against WCAG's 4.5:1 for text.
func TestTableTextIsDarkEnoughToRead(t *testing.T) {
	d, err := pdfdoc.New(pdfdoc.A4Landscape, pdfdoc.Even(36), "Таблиця")
	if err != nil {
		t.Fatal(err)
	}
	d.Text("Перед таблицею", 10)
	d.Table([]float64{200, 60, 60}, []string{"Канал надходження", "Усього", "Роз’яснено (повернуто, надіслано)"},
		[][]string{{"Електронні", "106", "3"}, {"Усього", "1751", "42"}}, 8, false)
	d.Text("Після таблиці", 10)
	d.Table([]float64{200, 60}, []string{"Питання", "Кількість"}, [][]string{{"Ґрунти", "7"}}, 8, false)
	var b bytes.Buffer
	if err := d.Write(&b); err != nil {
		t.Fatal(err)
	}
	page := pdftest.Render(t, b.Bytes(), 1, 200)
	words := pdftest.Words(t, b.Bytes(), 1)
	for _, want := range []string{"Перед", "Канал", "надходження", "Усього", "Роз’яснено", "(повернуто,", "надіслано)",
		"Електронні", "106", "3", "1751", "42", "Після", "таблиці", "Питання", "Кількість", "Ґрунти", "7"} {
		found := false
		for _, w := range words {
			if w.Text != want {
				continue
			}
			found = true
			ink, paper := page.Ink(w)
			if c := pdftest.Contrast(ink, paper); c < pdftest.WCAGText {
				t.Errorf("«%s»: contrast %.2f:1 (ink %v on %v), want at least %.1f:1", want, c, ink, paper, pdftest.WCAGText)
			}
		}
		if !found {
			t.Errorf("the page has no whole word «%s»", want)
		}
	}
}

// Lines break only between words: no word or number is split across lines, a no-break space keeps a
// number with its noun, and a spaced dash ends a line rather than starting the next.
func TestLinesBreakBetweenWordsOnly(t *testing.T) {
	d, err := pdfdoc.New(pdfdoc.A4Portrait, pdfdoc.Even(36), "Абзац")
	if err != nil {
		t.Fatal(err)
	}
	para := strings.Repeat("До Зразкової міської ради надійшло 1751\u00a0звернення (громадян – 1063), «Соціальний захист» – 106 або 3%, зв’язку ґанку у № 7. ", 12)
	for w := 120.0; w <= 240; w += 6 { // many widths, so that some line would break at each place
		d.Column(d.Left(), w, para, 10, pdfdoc.Left)
	}
	var b bytes.Buffer
	if err := d.Write(&b); err != nil {
		t.Fatal(err)
	}
	text := pdftest.Text(t, b.Bytes())
	lines := strings.Split(strings.TrimSpace(text), "\n")
	if len(lines) < 500 {
		t.Fatalf("%d lines: the paragraph did not wrap in columns of 120 to 240 points:\n%s", len(lines), text)
	}
	whole := map[string]bool{}
	for _, w := range strings.Fields(para) {
		whole[w] = true
	}
	for i, l := range lines {
		if strings.HasPrefix(l, "–") {
			t.Errorf("line %d starts with a dash: %q", i+1, l)
		}
		if f := strings.Fields(l); len(f) > 0 && (f[len(f)-1] == "у" || f[len(f)-1] == "№") {
			t.Errorf("line %d ends with a word that goes with the next: %q", i+1, l)
		}
		for _, w := range strings.Fields(l) {
			if !whole[w] {
				t.Errorf("line %d has %q, not a whole word of the text: %q", i+1, w, l)
			}
		}
	}
	if !strings.Contains(text, "1751\u00a0звернення") {
		t.Error("the no-break space between 1751 and its noun was broken or lost")
	}
}
