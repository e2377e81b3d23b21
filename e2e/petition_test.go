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

	b := startBrowser(t, chromium, 60*time.Second)
	b.do("open the petition",
		chromedp.Navigate(page),
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
	if text := b.text("read the signed petition"); !strings.Contains(text, "Ви підписали цю петицію.") {
		t.Error("the page does not say the citizen signed")
	}
	b.do("no second sign button", chromedp.WaitNotPresent(`//main//button[normalize-space()="Підписати петицію"]`))
	b.screenshots("petition-signed")

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
