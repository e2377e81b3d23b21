package e2e

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/hromada/hromada/internal/apptest"
)

// Environment variables of the browser tests.
const (
	envChromium       = "HROMADA_CHROMIUM"        // path of the browser binary
	envRequireBrowser = "HROMADA_REQUIRE_BROWSER" // "1": fail, not skip, when no browser is found
	envScreenshots    = "HROMADA_SCREENSHOTS"     // directory for the screenshots (default: a temporary one)
)

// The desktop and phone viewports of the screenshots.
const (
	desktopWidth, desktopHeight = 1280, 800
	phoneWidth, phoneHeight     = 390, 844
)

// findChromium returns the browser to drive, or skips the test (fails it under HROMADA_REQUIRE_BROWSER=1).
func findChromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv(envChromium); p != "" {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("%s=%s: %v", envChromium, p, err)
		}
		return p
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	for _, name := range []string{"chromium", "google-chrome", "google-chrome-stable", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	msg := "no Chromium found (looked at $" + envChromium + ", /usr/bin/chromium, chromium and google-chrome in PATH); " +
		"install it (Debian: apt-get install chromium) or set " + envChromium
	if os.Getenv(envRequireBrowser) == "1" {
		t.Fatal(msg + "; " + envRequireBrowser + "=1 demands the browser test")
	}
	t.Skip(msg)
	return ""
}

func screenshotDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv(envScreenshots)
	if dir == "" {
		return t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// browser drives one tab and reports a failed step with the page it was on.
type browser struct {
	t    *testing.T
	ctx  context.Context
	dir  string
	mu   sync.Mutex
	logs []string // console errors and uncaught exceptions of the pages
}

// do runs the actions of one step; on failure it saves a screenshot and prints where the browser was.
func (b *browser) do(step string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		b.fail(step, err)
	}
}

// text returns the visible text of the page's main content.
func (b *browser) text(step string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS("main")))
	if err != nil {
		b.fail(step, err)
	}
	return s
}

func (b *browser) fail(step string, err error) {
	b.t.Helper()
	// A short context of its own: the test's may be the one that ran out.
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	if errors.Is(b.ctx.Err(), context.DeadlineExceeded) {
		b.t.Fatalf("%s: the browser test ran out of time: %v", step, err)
	}
	where, _ := chromedp.Run(ctx, chromedp.Location())
	body, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("body")))
	if png, serr := chromedp.Run(ctx, chromedp.FullScreenshot(100)); serr == nil {
		p := filepath.Join(b.dir, "failed.png")
		if os.WriteFile(p, png, 0o644) == nil {
			b.t.Logf("screenshot of the failure: %s", p)
		}
	}
	b.t.Fatalf("%s: %v\nat %s\n%.1500s\nconsole: %q", step, err, where, body, b.console())
}

// screenshot saves a full-page PNG of the current page under name.
func (b *browser) screenshot(name string) {
	b.t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.fail("screenshot "+name, err)
	}
	p := filepath.Join(b.dir, name+".png")
	if err := os.WriteFile(p, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	b.t.Logf("screenshot: %s", p)
}

// watchConsole collects the console errors and uncaught exceptions of every page (a blocked
// stylesheet, a failed request or a content-security-policy violation shows up here).
func (b *browser) watchConsole() {
	messages := chromedp.Console(b.ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.IsException() {
				b.mu.Lock()
				b.logs = append(b.logs, fmt.Sprintf("%s (%s)", m.String(), m.URL))
				b.mu.Unlock()
			}
		}
	}()
}

func (b *browser) console() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.logs...)
}

// TestCitizenSubmitsAppealInBrowser signs in as a citizen at the development provider, fills in an appeal
// with an attachment, checks it ("check your answers"), changes the text through "змінити" (the file kept,
// without a second upload), sends it, reads the confirmation in both languages and finds it in "Мої
// звернення"; screenshots at desktop and phone width.
func TestCitizenSubmitsAppealInBrowser(t *testing.T) {
	chromium := findChromium(t)
	s := apptest.Start(t, nil)
	b := startBrowser(t, chromium, 120*time.Second)

	// The home page, then "Увійти": the development provider's picker.
	b.do("open the home page",
		chromedp.Navigate(s.URL+"/"),
		chromedp.WaitVisible(`//header//a[normalize-space()="Увійти"]`),
		chromedp.Click(`//header//a[normalize-space()="Увійти"]`),
		chromedp.WaitVisible(`//button[normalize-space()="Шевченко Олена Петрівна"]`),
	)
	if at, _ := chromedp.Run(b.ctx, chromedp.Location()); !strings.HasPrefix(at, s.IdPURL+"/login") {
		t.Fatalf("the sign-in link led to %s, want the provider's picker at %s/login", at, s.IdPURL)
	}

	// Choose the citizen: back on the portal, signed in.
	b.do("choose the identity",
		chromedp.Click(`//button[normalize-space()="Шевченко Олена Петрівна"]`),
		chromedp.WaitVisible(`//header//a[normalize-space()="Мої звернення"]`),
	)
	if at, _ := chromedp.Run(b.ctx, chromedp.Location()); !strings.HasPrefix(at, s.URL+"/") {
		t.Fatalf("after sign-in the browser is at %s, want the portal %s", at, s.URL)
	}

	// The appeal form, with the person's data filled in from the identity.
	b.do("open the appeal form",
		chromedp.Click(`//header//a[normalize-space()="Подати звернення"]`),
		chromedp.WaitVisible(chromedp.CSS("#f-summary")),
	)
	for id, want := range map[string]string{
		"f-last_name":  "Шевченко",
		"f-first_name": "Олена",
		"f-address":    "м. Зразкове, вул. Соборна, буд. 12, кв. 5",
		"f-email":      "olena.shevchenko@mail.example",
	} {
		got, err := chromedp.Run(b.ctx, chromedp.Value(chromedp.ID(id)))
		if err != nil {
			b.fail("read #"+id, err)
		}
		if got != want {
			t.Errorf("#%s is prefilled with %q, want %q", id, got, want)
		}
	}
	b.screenshot("appeal-form-desktop")
	b.do("view the form on a phone", chromedp.EmulateViewport(phoneWidth, phoneHeight, chromedp.EmulateMobile))
	b.screenshot("appeal-form-phone")
	b.do("back to the desktop", chromedp.EmulateViewport(desktopWidth, desktopHeight))

	pdf := filepath.Join(t.TempDir(), "довідка.pdf")
	if err := os.WriteFile(pdf, []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	const question = "Коли відремонтують тротуар біля школи № 3?"
	b.do("fill in the form",
		chromedp.Click(chromedp.CSS("#type-complaint")),
		chromedp.SetValue(chromedp.CSS(`select[name="q0_subject"]`), "09"),
		chromedp.SendKeys(chromedp.CSS(`input[name="q0_text"]`), question),
		chromedp.SendKeys(chromedp.CSS("#f-summary"),
			"Тротуар на вул. Соборній біля школи № 3 розбитий уже пів року, діти ходять проїжджою частиною. Прошу відремонтувати."),
		chromedp.SetUploadFiles(chromedp.CSS("#f-attachments"), []string{pdf}),
		chromedp.Click(chromedp.CSS("#f-consent")),
	)
	checked, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](
		`document.querySelector("#type-complaint").checked && document.querySelector("#f-consent").checked && document.querySelector("#f-attachments").files.length === 1`))
	if err != nil || !checked {
		b.fail("check the form", fmt.Errorf("type, consent or attachment not set (%v)", err))
	}

	// "Продовжити": check your answers, every row with "змінити".
	b.do("continue to the check",
		chromedp.Click(`//button[normalize-space()="Продовжити"]`),
		chromedp.WaitVisible(`//main//h1[normalize-space()="Перевірте звернення перед надсиланням"]`),
	)
	check := b.text("read the check page")
	for _, want := range []string{"Скарга", question, "довідка.pdf", "Шевченко Олена Петрівна"} {
		if !strings.Contains(check, want) {
			t.Errorf("the check page does not show %q", want)
		}
	}
	b.screenshots("check-answers")

	// "змінити" beside the text: the form with everything kept, the file among those already attached.
	const amended = " Діти з інвалідністю не можуть пройти взагалі."
	b.do("change the text",
		chromedp.Click(`//dl[@class="check"]/div[dt[normalize-space()="Текст звернення"]]//a`),
		chromedp.WaitVisible(chromedp.CSS("#f-summary")),
	)
	if kept := eval[bool](b, "the file is kept", `document.querySelector('input[name="keep_files"]').checked &&
		document.querySelector("#f-kept").textContent.includes("довідка.pdf") && document.querySelector("#type-complaint").checked`); !kept {
		b.fail("back in the form", errors.New("the file or the type was not kept"))
	}
	b.do("amend and continue",
		chromedp.SendKeys(chromedp.CSS("#f-summary"), amended),
		chromedp.Click(`//button[normalize-space()="Продовжити"]`),
		chromedp.WaitVisible(`//main//h1[normalize-space()="Перевірте звернення перед надсиланням"]`),
	)
	if check := b.text("read the amended check page"); !strings.Contains(check, strings.TrimSpace(amended)) || !strings.Contains(check, "довідка.pdf") {
		b.fail("the amended check", errors.New("the amendment or the file is missing"))
	}

	// "Надіслати": the confirmation with the index in large type, the deadline and what happens next.
	b.do("send the appeal",
		chromedp.Click(`//main//button[normalize-space()="Надіслати"]`),
		chromedp.WaitVisible(`//main//h1[normalize-space()="Звернення зареєстровано"]`),
	)
	page := b.text("read the confirmation")
	index := regexp.MustCompile(`Ш-\d+(/\d+)?`).FindString(page)
	if index == "" {
		b.fail("confirmation", errors.New("no registration index like Ш-1 on the page"))
	}
	if big := eval[string](b, "the index's size", `getComputedStyle(document.querySelector(".panel-done .index")).fontSize`); big != "36px" {
		t.Errorf("the index is %s, want large type (36px)", big)
	}
	for _, want := range []string{"Відповідь — не пізніше", "Що буде далі", "olena.shevchenko@mail.example"} {
		if !strings.Contains(page, want) {
			t.Errorf("the confirmation page does not show %q", want)
		}
	}
	b.screenshots("confirmation")
	b.do("the confirmation in English",
		chromedp.Click(`//header//a[@hreflang="en"]`),
		chromedp.WaitVisible(`//main//h1[normalize-space()="Your appeal is registered"]`),
	)
	if page := b.text("read the English confirmation"); !strings.Contains(page, "What happens next") || !strings.Contains(page, index) {
		b.fail("the English confirmation", errors.New("no next steps or index"))
	}
	b.screenshots("confirmation-en")
	b.do("back to Ukrainian",
		chromedp.Click(`//header//a[@hreflang="uk"]`),
		chromedp.WaitVisible(`//main//h1[normalize-space()="Звернення зареєстровано"]`),
	)

	// The appeal's page has the file and the amended text.
	b.do("open the appeal",
		chromedp.Click(`//main//a[normalize-space()="Перейти до звернення"]`),
		chromedp.WaitVisible(`//main//h2[normalize-space()="Відповідь"]`),
	)
	if page := b.text("read the appeal"); !strings.Contains(page, "довідка.pdf") || !strings.Contains(page, strings.TrimSpace(amended)) {
		b.fail("the appeal's page", errors.New("the file or the amended text is missing"))
	}

	// "Мої звернення" lists it.
	b.do("open my appeals",
		chromedp.Click(`//header//a[normalize-space()="Мої звернення"]`),
		chromedp.WaitVisible(`//main//h1[normalize-space()="Мої звернення"]`),
	)
	if list := b.text("read my appeals"); !strings.Contains(list, index) {
		b.fail("my appeals", fmt.Errorf("the list does not show %s", index))
	}
	b.do("find the appeal's link in the list", chromedp.WaitVisible(fmt.Sprintf(`//main//table//a[normalize-space()=%q]`, index)))
	b.screenshot("my-appeals-desktop")
	b.do("view my appeals on a phone", chromedp.EmulateViewport(phoneWidth, phoneHeight, chromedp.EmulateMobile))
	b.screenshot("my-appeals-phone")

	if logs := b.console(); len(logs) > 0 {
		t.Errorf("the pages wrote errors to the browser console:\n%s", strings.Join(logs, "\n"))
	}
	t.Logf("appeal %s registered and listed; screenshots in %s", index, b.dir)
}
