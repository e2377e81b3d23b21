package e2e

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/hromada/hromada/internal/apptest"
	"github.com/hromada/hromada/internal/petition"
)

// TestCitizenSignsPetitionInBrowser opens a published petition with a few signatures, checks the count,
// the progress bar and the signatories, then signs in as another citizen, signs, and sees the thanks
// and the count go up by one.
func TestCitizenSignsPetitionInBrowser(t *testing.T) {
	chromium := findChromium(t)
	s := apptest.Start(t, map[string]string{"HROMADA_PETITION_THRESHOLD": "10"})
	ctx := context.Background()

	// The author signs in once, so that the petition has a real person behind it.
	s.SignIn(t, apptest.Browser(t), "dev-citizen-olena")
	var author struct {
		ID        int64
		TaxIDHash string
		Email     string
	}
	if err := s.App.DB.Table("persons").Select("id", "tax_id_hash", "email").Where("subject = ?", "dev-citizen-olena").Take(&author).Error; err != nil {
		t.Fatal(err)
	}
	p, err := s.App.Petitions.Create(ctx, petition.CreateInput{PersonID: author.ID, AuthorName: "Шевченко Олена Петрівна",
		AuthorEmail: author.Email, Title: "Облаштувати пішохідний перехід біля школи № 3", SubjectCode: "09",
		Text: "Діти щодня переходять вулицю Соборну біля школи № 3 там, де немає ні переходу, ні світлофора. " +
			"Просимо облаштувати регульований пішохідний перехід і встановити обмеження швидкості."})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.App.Petitions.Publish(ctx, p.ID, author.ID, author.TaxIDHash); err != nil {
		t.Fatal(err)
	}
	signers := []string{"Ткаченко Богдан Іванович", "Лисенко Марія Олексіївна", "Мороз Юрій Васильович"}
	for i, name := range signers {
		added, err := s.App.Petitions.Sign(ctx, p.ID, petition.Signer{PersonID: author.ID, Key: fmt.Sprintf("e2e-signer-%d", i), Name: name})
		if err != nil || !added {
			t.Fatalf("seed signature %d: %v, %v", i, added, err)
		}
	}
	signers = append([]string{"Шевченко Олена Петрівна"}, signers...)
	page := fmt.Sprintf("%s/petitions/%d", s.URL, p.ID)

	b := startBrowser(t, chromium, 90*time.Second)
	// From the home page: the petition is among the most signed, with the count its page shows.
	b.do("open the home page", chromedp.Navigate(s.URL+"/"), chromedp.WaitVisible(chromedp.CSS(`#home-popular-h`)))
	b.checkRow("the home page", "home-popular-h", p.ID, "Підписів: 4 з 10", "40 %")
	b.screenshots("home")
	b.do("open the petition from the home page",
		chromedp.Click(fmt.Sprintf(`//section[@aria-labelledby="home-popular-h"]//a[@href="/petitions/%d"]`, p.ID)),
		chromedp.WaitVisible(chromedp.CSS("#progress")),
	)
	b.checkPetition("the published petition", "Зібрано 4 підписи з 10 необхідних", 4, 10, signers)
	b.screenshots("petition")

	// Another citizen signs in from the petition's page and comes back to it.
	b.do("sign in to sign",
		chromedp.Click(`//main//a[normalize-space()="Увійдіть, щоб підписати"]`),
		chromedp.WaitVisible(`//button[normalize-space()="Коваленко Андрій Миколайович"]`),
		chromedp.Click(`//button[normalize-space()="Коваленко Андрій Миколайович"]`),
		chromedp.WaitVisible(`//main//button[normalize-space()="Підписати петицію"]`),
	)
	if at, _ := chromedp.Run(b.ctx, chromedp.Location()); at != page {
		t.Errorf("after signing in the browser is at %s, want back at %s", at, page)
	}
	b.do("sign",
		chromedp.Click(`//main//button[normalize-space()="Підписати петицію"]`),
		chromedp.WaitVisible(`//main//div[@role="status"]/p[contains(., "Дякуємо")]`),
	)
	b.checkPetition("the petition after signing", "Зібрано 5 підписів з 10 необхідних", 5, 10, append(signers, "Коваленко Андрій Миколайович"))
	// One message: the thanks stand where "you signed" would, never one under the other.
	if text := b.text("read the signed petition"); strings.Contains(text, "Ви підписали цю петицію.") || strings.Count(text, "Дякуємо") != 1 {
		t.Errorf("after signing the page should thank once and say nothing more about the signature:\n%s", text)
	}
	b.do("no second sign button", chromedp.WaitNotPresent(`//main//button[normalize-space()="Підписати петицію"]`))
	b.screenshots("petition-signed")
	b.do("open the petition again", chromedp.Navigate(page), chromedp.WaitVisible(chromedp.CSS("#progress")))
	if text := b.text("read the petition again"); !strings.Contains(text, "Ви підписали цю петицію.") || strings.Contains(text, "Дякуємо") {
		t.Errorf("on a later visit the page should say the citizen signed, once:\n%s", text)
	}
	// The home page and the list say what the page says at once, not after the stored count's recount.
	b.do("back to the home page", chromedp.Navigate(s.URL+"/"), chromedp.WaitVisible(chromedp.CSS(`#home-popular-h`)))
	b.checkRow("the home page after signing", "home-popular-h", p.ID, "Підписів: 5 з 10", "50 %")
	b.do("the list", chromedp.Navigate(s.URL+"/petitions"), chromedp.WaitVisible(chromedp.CSS(`article.petition-card`)))
	b.checkRow("the list after signing", "", p.ID, "Підписів: 5 з 10", "50 %")
	b.screenshots("petitions-list")
	b.do("in English", chromedp.Navigate(s.URL+"/lang/en?next=/petitions/"+fmt.Sprint(p.ID)), chromedp.WaitVisible(chromedp.CSS("#progress")))
	if text := b.text("read the petition in English"); !strings.Contains(text, "You have signed this petition.") || !strings.Contains(text, "50%") {
		t.Errorf("the petition in English:\n%s", text)
	}
	b.screenshots("petition-signed-en")
	b.do("back to Ukrainian", chromedp.Navigate(s.URL+"/lang/uk?next=/"), chromedp.WaitVisible(chromedp.CSS(`#home-popular-h`)))

	if logs := b.console(); len(logs) > 0 {
		t.Errorf("the pages wrote errors to the browser console:\n%s", strings.Join(logs, "\n"))
	}
}

// checkPetition checks the count text (want: the number with its noun in the right form), the <progress>
// element and the list of signatories.
func (b *browser) checkPetition(step, want string, n, threshold int, signers []string) {
	b.t.Helper()
	if got := eval[string](b, step+": count", `document.querySelector("#count").textContent.trim()`); got != want {
		b.t.Errorf("%s: the count reads %q, want %q", step, got, want)
	}
	bar := eval[[]float64](b, step+": progress", `(p => [p.value, p.max])(document.querySelector("main progress"))`)
	if len(bar) != 2 || bar[0] != float64(n) || bar[1] != float64(threshold) {
		b.t.Errorf("%s: <progress> value and max are %v, want [%d %d]", step, bar, n, threshold)
	}
	names := eval[[]string](b, step+": signatories",
		`[...document.querySelectorAll('section[aria-labelledby="signers-h"] li')].map(li => li.textContent.trim())`)
	if !slices.Equal(names, signers) {
		b.t.Errorf("%s: the signatories are %q, want %q", step, names, signers)
	}
}

// checkRow checks a petition's card in a list (section: the id of the home page column's heading, or ""
// for the whole page): its count, its percentage and a <progress> with the same value.
func (b *browser) checkRow(step, section string, id int64, count, percent string) {
	b.t.Helper()
	scope := "document"
	if section != "" {
		scope = fmt.Sprintf(`document.querySelector('section[aria-labelledby="%s"]')`, section)
	}
	row := eval[[]string](b, step+": row", fmt.Sprintf(`(a => a ? [a.querySelector("p.figures").textContent.replace(/\s+/g, " ").trim(),
		String(a.querySelector("progress").value)] : [])(%s.querySelector('a[href="/petitions/%d"]').closest("article"))`, scope, id))
	if len(row) != 2 || !strings.Contains(row[0], count) || !strings.Contains(row[0], percent) || !strings.Contains(count, row[1]) {
		b.t.Errorf("%s: the row says %q, want %q, %q and a progress bar at the count", step, row, count, percent)
	}
}
