package paper_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ledongthuc/pdf"

	"github.com/hromada/hromada/internal/paper"
	"github.com/hromada/hromada/internal/pdftest"
)

var head = paper.Letterhead{Name: "Зразкова міська рада", Address: "вул. Соборна, 1, м. Зразкове, 01001",
	Phone: "(044) 123-45-67", Email: "rada@zrazkove.example", Website: "https://zrazkove.example", EDRPOU: "04057287"}

// Every kind has its template, and each fills in what the letter must say.
func TestEveryKindComposes(t *testing.T) {
	f := paper.Facts{Index: "Ш-12/26", Received: "02.03.2026", Registered: "02.03.2026", Due: "15.04.2026",
		Body: "Головне управління Пенсійного фонду України в області", Text: "Пояснення ради.\n\nДругий абзац.",
		Reason: "потрібна перевірка на місці", Author: "Шевченко Олени Петрівни (м. Зразкове, вул. Соборна, 12)",
		Results: []string{"1. Комунальне господарство — вирішено позитивно"}, StatusURL: "https://portal.example/status"}
	want := map[string][]string{
		paper.KindAcknowledgement: {"зареєстроване 02.03.2026 за № Ш-12/26", "не пізніше 15.04.2026", "https://portal.example/status"},
		paper.KindForwarded:       {"статті 7", "Головне управління Пенсійного фонду", "Пояснення ради."},
		paper.KindForwardedCover:  {"статті 7", "Шевченко Олени Петрівни", "просимо повідомити заявника"},
		paper.KindReturned:        {"стаття 5", "Пояснення ради."},
		paper.KindExtended:        {"статті 20", "продовжено до 15.04.2026", "Причина: потрібна перевірка на місці"},
		paper.KindNotConsidered:   {"статті 8", "Пояснення ради."},
		paper.KindAnswer:          {"розглянуто", "Пояснення ради.", "1. Комунальне господарство — вирішено позитивно"},
	}
	for _, kind := range paper.Kinds {
		subject, body, enclosure, err := paper.Compose(kind, f)
		if err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		if !strings.HasPrefix(subject, "Про ") {
			t.Errorf("%s: heading %q", kind, subject)
		}
		if strings.Contains(body, "\n\n") {
			t.Errorf("%s: empty paragraphs in %q", kind, body)
		}
		for _, w := range want[kind] {
			if !strings.Contains(body, w) {
				t.Errorf("%s: the text lacks %q:\n%s", kind, w, body)
			}
		}
		if (kind == paper.KindForwardedCover) != (enclosure != "") {
			t.Errorf("%s: enclosure %q", kind, enclosure)
		}
	}
	if _, _, _, err := paper.Compose("nonsense", f); err == nil {
		t.Error("an unknown kind composed")
	}
}

// A letter carries every element of an official letter in its place: the letterhead centred with its
// details, the date and number and the reference on the left, the addressee on the right, the heading,
// the text, the signature, and the executor's mark at the foot of the page.
func TestLetterLayout(t *testing.T) {
	l := paper.Letter{Letterhead: head, OutNumber: "вих-7/26", Date: time.Date(2026, 3, 12, 0, 0, 0, 0, time.UTC),
		Reference: "На № Ш-12/26 від 02.03.2026", AddresseeName: "Шевченко Олена Петрівна",
		AddresseeAddress: "вул. Соборна, буд. 12, кв. 5\nм. Зразкове, 01001", Subject: "Про розгляд звернення",
		Body: "Ваше звернення розглянуто.\n" + strings.Repeat("Текст відповіді. ", 40), SignatoryTitle: "Міський голова",
		SignatoryName: "Василь КРАВЧЕНКО", Executor: "Тарас МЕЛЬНИК, тел. (044) 123-45-68"}
	var b bytes.Buffer
	if err := paper.WriteLetters(&b, []paper.Letter{l, l}); err != nil {
		t.Fatal(err)
	}
	if n := pdftest.Pages(t, b.Bytes()); n != 2 {
		t.Fatalf("two letters on %d pages", n)
	}
	text := pdftest.Text(t, b.Bytes())
	for _, want := range []string{"ЗРАЗКОВА МІСЬКА РАДА", "код ЄДРПОУ 04057287", "e-mail: rada@zrazkove.example",
		"12.03.2026 № вих-7/26", "На № Ш-12/26 від 02.03.2026", "Шевченко Олена Петрівна", "м. Зразкове, 01001",
		"Про розгляд звернення", "Ваше звернення розглянуто.", "Міський голова", "Василь КРАВЧЕНКО",
		"Виконавець: Тарас МЕЛЬНИК, тел. (044) 123-45-68"} {
		if !strings.Contains(text, want) {
			t.Errorf("the letter lacks %q:\n%s", want, text)
		}
	}
	r, err := pdf.NewReader(bytes.NewReader(b.Bytes()), int64(b.Len()))
	if err != nil {
		t.Fatal(err)
	}
	const pageW, pageH = 595.28, 841.89
	// where finds the first glyph of the first place the page says prefix; the PDF's y grows upwards
	// from the page's foot.
	glyphs := r.Page(1).Content().Text
	var all strings.Builder
	var at []int // byte offset in all → glyph
	for i, g := range glyphs {
		for range len(g.S) {
			at = append(at, i)
		}
		all.WriteString(g.S)
	}
	where := func(prefix string) (x, y float64) {
		i := strings.Index(all.String(), prefix)
		if i < 0 {
			t.Fatalf("no %q on the page", prefix)
		}
		g := glyphs[at[i]]
		return g.X, g.Y
	}
	if x, _ := where("Шевченко"); x < pageW/2 {
		t.Errorf("the addressee starts at x=%.0f, not on the right half", x)
	}
	if x, y := where("ЗРАЗКОВА"); x < 150 || y < pageH-120 {
		t.Errorf("the letterhead at (%.0f, %.0f), not centred at the top", x, y)
	}
	if _, y := where("Виконавець"); y > 100 {
		t.Errorf("the executor's mark at y=%.0f, not at the foot of the page", y)
	}
	if x, _ := where("Міський"); x > 100 {
		t.Errorf("the signatory's position at x=%.0f, not at the left margin", x)
	}
	if x, _ := where("Василь"); x < pageW/2 {
		t.Errorf("the signatory's name at x=%.0f, not on the right", x)
	}
	if x, _ := where("12.03.2026"); x > 100 {
		t.Errorf("the date at x=%.0f, not at the left margin", x)
	}
}

func TestLabelsAndCard(t *testing.T) {
	var addrs []paper.Address
	for i := range 17 { // one more than a sheet holds
		addrs = append(addrs, paper.Address{Name: "Адресат " + string(rune('А'+i)), Lines: "вул. Садова, 3\nм. Зразкове", OutNumber: "вих-1/26"})
	}
	var b bytes.Buffer
	if err := paper.WriteLabels(&b, addrs); err != nil {
		t.Fatal(err)
	}
	if n := pdftest.Pages(t, b.Bytes()); n != 2 {
		t.Errorf("17 labels on %d sheets", n)
	}
	if text := pdftest.Text(t, b.Bytes()); !strings.Contains(text, "Адресат А") || !strings.Contains(text, "Адресат Р") || !strings.Contains(text, "вул. Садова, 3") {
		t.Errorf("labels:\n%s", text)
	}
	b.Reset()
	if err := paper.WriteCard(&b, paper.Card{Council: "Зразкова міська рада", Title: "Реєстраційно-контрольна картка",
		Rows: [][2]string{{"Реєстраційний індекс", "Ш-12/26"}, {"Короткий зміст", strings.Repeat("Довгий зміст. ", 60)}}}); err != nil {
		t.Fatal(err)
	}
	if text := pdftest.Text(t, b.Bytes()); !strings.Contains(text, "Реєстраційно-контрольна картка") || !strings.Contains(text, "Ш-12/26") {
		t.Errorf("card:\n%s", text)
	}
}

// A letter and a card as a person reads them: the letter's text comes out in its sentences whole (no
// word or number split across lines, «ї є і ґ ’» all there), and every word of the letter, the labels
// and the card is dark enough on its ground to read (WCAG's 4.5:1 on the rendered page).
func TestLetterLabelsAndCardReadWhole(t *testing.T) {
	body := "Ваше звернення від 02.03.2026 № Ш-12/26 щодо подвір’я на вулиці Ґрунтовій розглянуто. " +
		"Їхні контейнери, що є власністю громади, буде перенесено до 15.04.2026, а графік вивезення сміття 1751 мешканцю надіслано окремо.\n" +
		strings.Repeat("Євген Ґудзь з’ясував, що всі 106 дворів Їжакевичів отримають відповідь у строк, який визначає стаття 20 Закону України «Про звернення громадян». ", 6)
	l := paper.Letter{Letterhead: head, OutNumber: "вих-7/26", Date: time.Date(2026, 3, 12, 0, 0, 0, 0, time.UTC),
		Reference: "На № Ш-12/26 від 02.03.2026", AddresseeName: "Ґонта Ївга Євгенівна",
		AddresseeAddress: "вул. Ґрунтова, буд. 12, кв. 5\nм. Зразкове, 01001", Subject: "Про розгляд звернення щодо подвір’я",
		Body: body, SignatoryTitle: "Міський голова", SignatoryName: "Василь КРАВЧЕНКО", Executor: "Тарас МЕЛЬНИК, тел. (044) 123-45-68"}
	var b bytes.Buffer
	if err := paper.WriteLetters(&b, []paper.Letter{l}); err != nil {
		t.Fatal(err)
	}
	text := pdftest.Flat(pdftest.Text(t, b.Bytes()))
	for _, s := range append(pdftest.Sentences(body), "Ґонта Ївга Євгенівна", "вул. Ґрунтова, буд. 12, кв. 5",
		"Про розгляд звернення щодо подвір’я") {
		if !strings.Contains(text, s) {
			t.Errorf("the letter's text lacks %q whole:\n%s", s, text)
		}
	}
	if pdftest.CanRender(t) {
		pdftest.Readable(t, b.Bytes())
	}

	b.Reset()
	if err := paper.WriteLabels(&b, []paper.Address{{Name: "Ґонта Ївга Євгенівна", Lines: "вул. Ґрунтова, 3\nм. Зразкове", OutNumber: "вих-1/26"}}); err != nil {
		t.Fatal(err)
	}
	if text := pdftest.Text(t, b.Bytes()); !strings.Contains(text, "Ґонта Ївга Євгенівна") || !strings.Contains(text, "вул. Ґрунтова, 3") {
		t.Errorf("labels:\n%s", text)
	}
	if pdftest.CanRender(t) {
		pdftest.Readable(t, b.Bytes())
	}

	b.Reset()
	summary := "Прошу перенести їхні контейнери з подвір’я на вулиці Ґрунтовій, де є дитячий майданчик, на 106 метрів далі."
	if err := paper.WriteCard(&b, paper.Card{Council: "Зразкова міська рада", Title: "Реєстраційно-контрольна картка Ш-12/26",
		Rows: [][2]string{{"Реєстраційний індекс", "Ш-12/26"}, {"Населений пункт (старостинський округ)", "Ґалаґанівка"},
			{"Короткий зміст", summary}}}); err != nil {
		t.Fatal(err)
	}
	// A table's cells wrap side by side, so the card's words are checked one by one.
	words := strings.Fields(pdftest.Text(t, b.Bytes()))
	for _, w := range strings.Fields(summary + " Населений пункт (старостинський округ) Ґалаґанівка Ш-12/26") {
		if !slices.Contains(words, w) {
			t.Errorf("the card has no whole word %q", w)
		}
	}
	if pdftest.CanRender(t) {
		pdftest.Readable(t, b.Bytes())
	}
}
