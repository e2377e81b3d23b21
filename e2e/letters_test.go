package e2e

import (
	"encoding/base64"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/hromada/hromada/internal/apptest"
	"github.com/hromada/hromada/internal/identity"
	"github.com/hromada/hromada/internal/pdftest"
)

// fetchPDF downloads a PDF as the signed-in browser (its session cookie goes with the request) and
// returns its bytes: headless Chromium has no PDF viewer to open it in, so the test reads it itself.
func (b *browser) fetchPDF(step, path string) []byte {
	b.t.Helper()
	js := `fetch(` + jsString(path) + `, {credentials: "same-origin"}).then(r => {
		if (!r.ok || r.headers.get("Content-Type") !== "application/pdf") throw new Error("HTTP " + r.status + " " + r.headers.get("Content-Type"));
		return r.arrayBuffer();
	}).then(buf => {
		const bytes = new Uint8Array(buf); let s = "";
		for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192));
		return btoa(s);
	})`
	enc, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise))
	if err != nil {
		b.fail(step, err)
	}
	data, err := base64.StdEncoding.DecodeString(enc)
	if err != nil {
		b.fail(step, err)
	}
	return data
}

// jsString quotes s for JavaScript (paths here are ASCII).
func jsString(s string) string { return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"` }

// printPDF prints the current page as the browser's "Друк" would, on A4.
func (b *browser) printPDF(step string) []byte {
	b.t.Helper()
	pdf, err := chromedp.Run(b.ctx, chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperA4)))
	if err != nil {
		b.fail(step, err)
	}
	return pdf
}

// TestLettersOnPaperInBrowser is the paper trail of a telephone appeal in a real browser: the registrar
// registers it for an author without e-mail who asks for an acknowledgement, the head extends the term,
// the registrar prints the registration-control card, prints the day's letters and their envelopes'
// labels from "До відправлення" and marks them dispatched. Every PDF is opened and its text read.
func TestLettersOnPaperInBrowser(t *testing.T) {
	chromium := findChromium(t)
	s := apptest.Start(t, nil)
	for _, sub := range []string{"dev-staff-registrar", "dev-staff-head"} {
		s.SignIn(t, apptest.Browser(t), sub)
	}
	for email, role := range map[string]string{"s.hnatiuk@rada.zrazkove.example": identity.RoleRegistrar,
		"v.kravchenko@rada.zrazkove.example": identity.RoleHead} {
		if _, err := s.App.People.GrantRole(t.Context(), email, role, "test"); err != nil {
			t.Fatal(err)
		}
	}
	b := startBrowser(t, chromium, 150*time.Second)

	// 1. The registrar takes the call: no e-mail, the author wants the registration in writing.
	b.signInAs(s.URL, "Гнатюк Світлана Ігорівна")
	b.do("register the appeal",
		chromedp.Navigate(s.URL+"/admin/appeals/new"),
		chromedp.WaitVisible(chromedp.CSS("#f-summary")),
		chromedp.SetValue(chromedp.CSS("#f-channel"), "phone"),
		chromedp.SendKeys(chromedp.CSS("#f-last_name"), "Мороз"),
		chromedp.SendKeys(chromedp.CSS("#f-first_name"), "Ганна"),
		chromedp.SendKeys(chromedp.CSS("#f-patronymic"), "Іванівна"),
		chromedp.SendKeys(chromedp.CSS("#f-address"), "м. Зразкове, вул. Лісова, буд. 7"),
		chromedp.Click(chromedp.CSS("#more > summary")), // how to answer is in the folded part
		chromedp.Click(chromedp.CSS("#f-acknowledge")),
		chromedp.Click(chromedp.CSS("#type-complaint")),
		chromedp.SetValue(chromedp.CSS(`select[name="q0_subject"]`), "09"),
		chromedp.SendKeys(chromedp.CSS(`input[name="q0_text"]`), "Не прибирають сніг"),
		chromedp.SendKeys(chromedp.CSS("#f-summary"), "Двір на Лісовій, 7 не прибирають від снігу вже тиждень."),
		chromedp.Click(`//button[normalize-space()="Зареєструвати"]`),
		chromedp.WaitVisible(`//main//h2[normalize-space()="Звернення зареєстровано"]`),
	)
	page := b.text("read the card")
	index := regexp.MustCompile(`М-\d+/\d+`).FindString(page)
	if index == "" || !strings.Contains(page, "Лист підготовлено до відправлення поштою") {
		b.fail("the card", errors.New("no index, or no letter waiting for the post on the timeline"))
	}
	card, err := chromedp.Run(b.ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	card, _, _ = strings.Cut(card, "?")

	// 2. The head extends the term: a second letter for the post.
	b.signInAs(s.URL, "Кравченко Василь Петрович")
	b.do("extend the term",
		chromedp.Navigate(card),
		chromedp.Click(`//summary[normalize-space()="Продовжити строк розгляду"]`),
		chromedp.WaitVisible(chromedp.CSS("#f-extend-reason")),
		chromedp.SetValue(chromedp.CSS("#f-extend-due"), time.Now().AddDate(0, 0, 40).Format("2006-01-02")),
		chromedp.SendKeys(chromedp.CSS("#f-extend-reason"), "Потрібне обстеження двору комісією"),
		chromedp.Click(`//button[normalize-space()="Продовжити строк"]`),
		chromedp.WaitVisible(`//*[normalize-space()="Строк продовжено. Лист авторові підготовлено до відправлення поштою (До відправлення)."]`),
	)

	// 3. The registrar prints the registration-control card, and opens its PDF.
	b.signInAs(s.URL, "Гнатюк Світлана Ігорівна")
	b.do("open the РКК", chromedp.Navigate(card), chromedp.Click(`//a[normalize-space()="РКК"]`),
		chromedp.WaitVisible(`//h1[normalize-space()="Реєстраційно-контрольна картка"]`))
	rkk := b.text("read the РКК")
	for _, want := range []string{index, "Мороз Ганна Іванівна", "Потрібне обстеження двору комісією", "На контролі"} {
		if !strings.Contains(rkk, want) {
			t.Errorf("the РКК lacks %q", want)
		}
	}
	b.screenshot("rkk")
	for name, pdf := range map[string][]byte{"printed": b.printPDF("print the РКК"),
		"downloaded": b.fetchPDF("open the РКК's PDF", strings.TrimPrefix(card, s.URL)+"/rkk.pdf")} {
		text := pdftest.Text(t, pdf)
		for _, want := range []string{"Реєстраційно-контрольна картка", index, "Мороз Ганна Іванівна"} {
			if !strings.Contains(text, want) {
				t.Errorf("the %s РКК lacks %q:\n%s", name, want, text)
			}
		}
	}

	// 4. До відправлення: the day's letters and their labels, printed, then marked dispatched.
	b.do("open До відправлення", chromedp.Navigate(s.URL+"/admin/"), chromedp.Click(`//a[normalize-space()="До відправлення"]`),
		chromedp.WaitVisible(`//h1[normalize-space()="До відправлення"]`),
		chromedp.Click(`//a[normalize-space()="Сьогоднішні"]`),
		chromedp.WaitVisible(`//button[normalize-space()="Відправлено"]`))
	numbers := regexp.MustCompile(`вих-\d+/\d+`).FindAllString(b.text("read the list"), -1)
	if len(numbers) != 2 {
		b.fail("the list", errors.New("want the acknowledgement and the extension waiting"))
	}
	b.screenshots("dispatch")
	href := func(label string) string {
		v, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`[...document.querySelectorAll("a")].find(a => a.textContent.trim() === `+jsString(label)+`).getAttribute("href")`))
		if err != nil {
			b.fail("the link "+label, err)
		}
		return v
	}
	letters := pdftest.Text(t, b.fetchPDF("open the letters' PDF", href("PDF листів")))
	labels := pdftest.Text(t, b.fetchPDF("open the labels' PDF", href("PDF адрес для конвертів")))
	for _, n := range numbers {
		if !strings.Contains(letters, "№ "+n) || !strings.Contains(labels, n) {
			t.Errorf("%s is missing from the letters' or the labels' PDF", n)
		}
	}
	for _, want := range []string{"ЗРАЗКОВА МІСЬКА РАДА", "Про реєстрацію звернення", "Про продовження строку розгляду звернення",
		"Мороз Ганна Іванівна", "Виконавець:"} {
		if !strings.Contains(letters, want) {
			t.Errorf("the letters' PDF lacks %q:\n%s", want, letters)
		}
	}
	if !strings.Contains(labels, "м. Зразкове, вул. Лісова, буд. 7") {
		t.Errorf("the labels:\n%s", labels)
	}
	b.do("open a letter's print view", chromedp.Click(`//a[normalize-space()=`+xpathString(numbers[0])+`]`),
		chromedp.WaitVisible(chromedp.CSS("main.letter")))
	if printed := pdftest.Text(t, b.printPDF("print the letter")); !strings.Contains(printed, numbers[0]) || !strings.Contains(printed, "Мороз Ганна Іванівна") {
		t.Errorf("the printed letter:\n%s", printed)
	}
	b.do("mark them dispatched", chromedp.Navigate(s.URL+"/admin/dispatch"),
		chromedp.WaitVisible(`//button[normalize-space()="Відправлено"]`),
		chromedp.Click(`//button[normalize-space()="Відправлено"]`),
		chromedp.WaitVisible(`//*[normalize-space()="Вибрані листи позначено відправленими."]`),
		chromedp.WaitVisible(`//*[normalize-space()="Листів до відправлення немає."]`))
	b.do("the card shows the dispatch", chromedp.Navigate(card), chromedp.WaitVisible(chromedp.CSS("ol.timeline")))
	if !strings.Contains(b.text("read the card"), "Лист відправлено") {
		t.Error("the timeline does not show the dispatch")
	}
	if logs := b.console(); len(logs) > 0 {
		t.Errorf("the pages wrote errors to the browser console:\n%s", strings.Join(logs, "\n"))
	}
}

// xpathString quotes s for XPath (no apostrophes in outgoing numbers).
func xpathString(s string) string { return "'" + s + "'" }
