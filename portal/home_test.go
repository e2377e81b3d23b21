package portal_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/hromada/hromada/internal/apptest"
)

// A list row and the petition's page show the same count right after a signature, even when the stored
// count the list sorts by was recounted a moment before it (the list said 0 of 250 where the page said 2).
func checkListCountsAgree(t *testing.T, f *openDataFixture) {
	s := f.s
	if err := s.App.Petitions.RefreshCounts(context.Background()); err != nil {
		t.Fatal(err)
	}
	signAndSee(t, s, signedIn(t, s, andrii), f.library, "Дякуємо") // the author's and this one: 2
	page := apptest.Get(t, f.anon, s.Path("/petitions/"+f.library))
	mustContain(t, "the library's page", page.Body, "Зібрано 2 підписи з 4 необхідних", `<strong id="percent">50 %</strong>`)
	list := apptest.Get(t, f.anon, s.Path("/petitions?sort=ending"))
	row := rowOf(t, list.Body, f.library)
	mustContain(t, "the library's row", row, "Підписів: 2 з 4", `<progress max="4" value="2"`, "50 %", "залишилося 59 днів")
	home := apptest.Get(t, f.anon, s.Path("/"))
	mustContain(t, "the library on the home page", rowOf(t, home.Body, f.library), "Підписів: 2 з 4")
}

// rowOf is the list's card of one petition.
func rowOf(t *testing.T, body, id string) string {
	t.Helper()
	m := regexp.MustCompile(`(?s)<article class="petition-card">\s*<h\d><a href="/petitions/` + id + `">.*?</article>`).FindString(body)
	if m == "" {
		t.Fatalf("no card of petition %s in\n%.3000s", id, body)
	}
	return m
}

// The page counts signatures by the signers' settlements, and offers its address to copy and share
// without anyone else's script.
func checkBySettlementAndShare(t *testing.T, f *openDataFixture) {
	page := apptest.Get(t, f.anon, f.s.Path("/petitions/"+f.park))
	mustContain(t, "the park's page", page.Body, "Підписи за населеними пунктами",
		`<th scope="row" lang="uk">Зразкове</th>`, `<td class="num">2</td>`,
		`<th scope="row">Не визначено з адреси</th>`, `<td class="num">1</td>`,
		`href="https://t.me/share/url?url=http`, `value="`+f.s.App.Config.BaseURL.JoinPath("/petitions/"+f.park).String()+`" readonly`, `data-copy="share-url"`,
		`<script src="/static/js/share.`)
	if strings.Contains(page.Body, "<script>") || strings.Contains(page.Body, "https://connect.facebook") {
		t.Error("an inline or a third party's script on the petition page")
	}
	apptest.Get(t, f.anon, f.s.Path("/lang/en?next=/"))
	en := apptest.Get(t, f.anon, f.s.Path("/petitions/"+f.park))
	mustContain(t, "the park's page in English", en.Body, "Signatures by settlement", `<th scope="row" lang="en">Zrazkove</th>`,
		"Not determined from the address", "Copy link")
	apptest.Get(t, f.anon, f.s.Path("/lang/uk?next=/"))
}

// The home page shows the petitions (most signed, ending soon, answered), how to file, the council's
// contacts and hotlines from configuration, under the official marker.
func checkHomePage(t *testing.T, f *openDataFixture) {
	home := apptest.Get(t, f.anon, f.s.Path("/"))
	mustContain(t, "the home page", home.Body, "Офіційний вебсайт органу місцевого самоврядування: <strong>Зразкова міська рада</strong>",
		"Найпопулярніші", "Збір підписів завершується", "Нещодавно отримали відповідь", "Відповідей на петиції ще немає.",
		"Як подати звернення", "Контакти ради", `<a href="tel:&#43;380445550102">&#43;380 (44) 555-01-02</a>`,
		`<a href="mailto:rada@zrazkove.example">rada@zrazkove.example</a>`, `<a href="tel:1545" class="number">1545</a>`,
		"Урядова гаряча лінія")
	popular := regexp.MustCompile(`(?s)<section aria-labelledby="home-popular-h">.*?</section>`).FindString(home.Body)
	if i, j := strings.Index(popular, `href="/petitions/`+f.park+`"`), strings.Index(popular, `href="/petitions/`+f.library+`"`); i < 0 || j < i {
		t.Errorf("most signed: want the park before the library\n%s", popular)
	}
	if strings.Contains(home.Body, `href="/petitions/`+f.private+`"`) {
		t.Error("a petition in moderation on the home page")
	}
	noPersonalData(t, "the home page", home.Body)
}
