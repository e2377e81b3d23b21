package admin_test

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hromada/hromada/internal/apptest"
	"github.com/hromada/hromada/internal/identity"
	"github.com/hromada/hromada/internal/pdftest"
	"github.com/hromada/hromada/internal/steptest"
)

// letterScene is what the steps of TestLettersThroughTheStaffPages share.
type letterScene struct {
	s                      *apptest.Server
	registrar, head, admin *http.Client
	card                   string // the appeal's card, /admin/appeals/N
	index                  string
	numbers                []string // the letters' outgoing numbers, in order
}

// A telephone author without e-mail asks for an acknowledgement at the desk; the head extends the term:
// both letters wait in "До відправлення", their PDFs and the envelopes' labels print, "відправлено" marks
// them, and the register, the registration-control card and the receipt show them — every page saying
// truthfully that the author is told on paper.
func TestLettersThroughTheStaffPages(t *testing.T) {
	s, _, registrar, admin := staffServer(t)
	head := apptest.Browser(t)
	s.SignIn(t, head, "dev-staff-head")
	if _, err := s.App.People.GrantRole(t.Context(), "v.kravchenko@rada.zrazkove.example", identity.RoleHead, "test"); err != nil {
		t.Fatal(err)
	}
	steptest.Run(t, &letterScene{s: s, registrar: registrar, head: head, admin: admin}, []steptest.Step[*letterScene]{
		{Name: "answers by e-mail need an e-mail", Run: replyByEmailNeedsEmail},
		{Name: "the registrar registers with an acknowledgement", Run: registerWithAcknowledgement},
		{Name: "the head extends the term: a letter by post", Run: extendByPost},
		{Name: "the letters' page, print view and PDF", Run: lettersPage},
		{Name: "До відправлення: PDFs and відправлено", Run: dispatchLetters},
		{Name: "the outgoing register and its exports", Run: outgoingRegister},
		{Name: "the registration-control card and the receipt", Run: rkkAndReceipt},
	})
}

func registrationForm(t *testing.T, sc *letterScene) url.Values {
	t.Helper()
	page := apptest.Get(t, sc.registrar, sc.s.Path("/admin/appeals/new"))
	return url.Values{"_csrf": {apptest.CSRF(t, page.Body)}, "action": {"submit"}, "questions": {"1"}, "channel": {"phone"},
		"received_at": {time.Now().Format("2006-01-02")}, "nature": {"individual"}, "last_name": {"Шевчук"}, "first_name": {"Іван"},
		"address": {"м. Зразкове, вул. Садова, 3"}, "type": {"application"}, "q0_subject": {"09"},
		"q0_text": {"Вивіз сміття"}, "summary": {rkkSummary}, "sign": {"primary"}}
}

func replyByEmailNeedsEmail(t *testing.T, sc *letterScene) {
	form := registrationForm(t, sc)
	form.Set("reply_by", "email")
	r := apptest.PostMultipart(t, sc.registrar, sc.s.Path("/admin/appeals"), form)
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Щоб відповідати електронною поштою, вкажіть адресу електронної пошти.") {
		t.Fatalf("answers by e-mail without one: %d", r.Status)
	}
	if !strings.Contains(r.Body, `<option value="email" selected>`) {
		t.Error("the choice is not kept")
	}
}

func registerWithAcknowledgement(t *testing.T, sc *letterScene) {
	form := registrationForm(t, sc)
	form.Set("acknowledge", "1")
	r := apptest.PostMultipart(t, sc.registrar, sc.s.Path("/admin/appeals"), form)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("registration: %d\n%.3000s", r.Status, r.Body)
	}
	sc.card, _, _ = strings.Cut(r.Location, "?")
	card := apptest.Get(t, sc.registrar, sc.s.Path(sc.card))
	sc.index = regexp.MustCompile(`Ш-\d+/\d+`).FindString(card.Body)
	for _, want := range []string{"Листи (1)", "Лист підготовлено до відправлення поштою", "/rkk", "/receipt"} {
		if !strings.Contains(card.Body, want) {
			t.Errorf("the card lacks %q", want)
		}
	}
}

func extendByPost(t *testing.T, sc *letterScene) {
	card := apptest.Get(t, sc.head, sc.s.Path(sc.card))
	due := time.Now().AddDate(0, 0, 35).Format("2006-01-02")
	r := apptest.PostForm(t, sc.head, sc.s.Path(sc.card+"/extend"), url.Values{"_csrf": {apptest.CSRF(t, card.Body)},
		"due": {due}, "reason": {"Потрібна перевірка на місці"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("extend: %d\n%.2000s", r.Status, r.Body)
	}
	after := apptest.Get(t, sc.head, sc.s.Path(sc.card)).Body
	for _, want := range []string{"Строк продовжено. Лист авторові підготовлено до відправлення поштою (До відправлення).",
		"Листи (2)"} {
		if !strings.Contains(after, want) {
			t.Errorf("after the extension the card lacks %q", want)
		}
	}
	if strings.Contains(after, "автора повідомлено") || strings.Contains(after, "надіслано електронною поштою") {
		t.Error("the card says the author was told by e-mail")
	}
}

// rkkSummary is the appeal's summary, with «ї є і ґ ’» for the РКК's PDF to print whole.
const rkkSummary = "Прошу впорядкувати графік вивезення сміття з подвір’я на вулиці Ґрунтовій, де є їхні контейнери."

var letterLink = regexp.MustCompile(`href="(/admin/appeals/\d+/letters/\d+)"`)

func lettersPage(t *testing.T, sc *letterScene) {
	page := apptest.Get(t, sc.registrar, sc.s.Path(sc.card+"/letters"))
	links := letterLink.FindAllStringSubmatch(page.Body, -1)
	if page.Status != http.StatusOK || len(links) != 2 {
		t.Fatalf("letters page: %d, %d letters", page.Status, len(links))
	}
	for _, l := range links {
		print := apptest.Get(t, sc.registrar, sc.s.Path(l[1]))
		m := regexp.MustCompile(`№ (вих-\d+/\d+)`).FindStringSubmatch(print.Body)
		if print.Status != http.StatusOK || m == nil || !strings.Contains(print.Body, "Зразкова міська рада") ||
			!strings.Contains(print.Body, "Шевчук Іван") {
			t.Fatalf("print view %s: %d", l[1], print.Status)
		}
		sc.numbers = append(sc.numbers, m[1])
		pdf := apptest.Get(t, sc.registrar, sc.s.Path(l[1]+".pdf"))
		if text := pdftest.Text(t, []byte(pdf.Body)); !strings.Contains(text, "№ "+m[1]) || !strings.Contains(text, sc.index) {
			t.Errorf("the PDF of %s:\n%s", m[1], text)
		}
		if pdftest.CanRender(t) {
			pdftest.Readable(t, []byte(pdf.Body))
		}
	}
	if !strings.Contains(page.Body, "Про реєстрацію") && !strings.Contains(page.Body, "Повідомлення про реєстрацію") {
		t.Error("the acknowledgement is not listed")
	}
}

func dispatchLetters(t *testing.T, sc *letterScene) {
	page := apptest.Get(t, sc.registrar, sc.s.Path("/admin/dispatch"))
	for _, n := range sc.numbers {
		if !strings.Contains(page.Body, n) {
			t.Errorf("До відправлення lacks %s", n)
		}
	}
	letters := apptest.Get(t, sc.registrar, sc.s.Path("/admin/dispatch/letters.pdf?date="+time.Now().Format("2006-01-02")))
	if n := pdftest.Pages(t, []byte(letters.Body)); n < 2 {
		t.Errorf("the day's letters on %d pages", n)
	}
	text := pdftest.Text(t, []byte(letters.Body))
	labels := pdftest.Text(t, []byte(apptest.Get(t, sc.registrar, sc.s.Path("/admin/dispatch/labels.pdf")).Body))
	for _, n := range sc.numbers {
		if !strings.Contains(text, n) || !strings.Contains(labels, n) {
			t.Errorf("%s is missing from the letters' or the labels' PDF", n)
		}
	}
	if !strings.Contains(labels, "м. Зразкове, вул. Садова, 3") {
		t.Errorf("labels:\n%s", labels)
	}
	form := url.Values{"_csrf": {apptest.CSRF(t, page.Body)}}
	for _, id := range regexp.MustCompile(`name="letter" value="(\d+)"`).FindAllStringSubmatch(page.Body, -1) {
		form.Add("letter", id[1])
	}
	if r := apptest.PostForm(t, sc.registrar, sc.s.Path("/admin/dispatch"), form); r.Status != http.StatusSeeOther {
		t.Fatalf("відправлено: %d", r.Status)
	}
	after := apptest.Get(t, sc.registrar, sc.s.Path("/admin/dispatch")).Body
	if !strings.Contains(after, "Вибрані листи позначено відправленими.") || !strings.Contains(after, "Листів до відправлення немає.") {
		t.Error("the letters still wait")
	}
	if r := apptest.Get(t, sc.registrar, sc.s.Path("/admin/dispatch/letters.pdf")); r.Status != http.StatusNotFound {
		t.Errorf("an empty day's PDF: %d", r.Status)
	}
	if card := apptest.Get(t, sc.registrar, sc.s.Path(sc.card)).Body; !strings.Contains(card, "Лист відправлено") {
		t.Error("the dispatch is not on the timeline")
	}
}

func outgoingRegister(t *testing.T, sc *letterScene) {
	page := apptest.Get(t, sc.admin, sc.s.Path("/admin/outgoing?delivery=post"))
	for _, n := range sc.numbers {
		if !strings.Contains(page.Body, n) {
			t.Errorf("the register lacks %s", n)
		}
	}
	if bad := apptest.Get(t, sc.admin, sc.s.Path("/admin/outgoing?delivery=pigeon&from=2024-02-30")); bad.Status != http.StatusBadRequest {
		t.Errorf("a bad filter: %d", bad.Status)
	}
	raw := apptest.Get(t, sc.admin, sc.s.Path("/admin/outgoing.csv?q="+url.QueryEscape(sc.index)))
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(raw.Body, "\uFEFF"))).ReadAll()
	if err != nil || len(rows) != 3 || rows[1][7] != sc.index || rows[1][5] != "Поштою" || rows[1][6] == "" {
		t.Fatalf("CSV: %v %q", err, rows)
	}
	x := apptest.Get(t, sc.admin, sc.s.Path("/admin/outgoing.xlsx"))
	if x.Status != http.StatusOK || !bytes.HasPrefix([]byte(x.Body), []byte("PK")) {
		t.Errorf("XLSX: %d", x.Status)
	}
	if r := apptest.Get(t, sc.admin, sc.s.Path("/admin/outgoing.doc")); r.Status != http.StatusNotFound {
		t.Errorf("an unknown format: %d", r.Status)
	}
}

func rkkAndReceipt(t *testing.T, sc *letterScene) {
	page := apptest.Get(t, sc.registrar, sc.s.Path(sc.card+"/rkk"))
	for _, want := range append([]string{"Реєстраційно-контрольна картка", sc.index, "На контролі", "Шевчук Іван",
		"09 Комунальне господарство", "Потрібна перевірка на місці", "Населений пункт (старостинський округ)"}, sc.numbers...) {
		if !strings.Contains(page.Body, want) {
			t.Errorf("the РКК lacks %q", want)
		}
	}
	rkk := []byte(apptest.Get(t, sc.registrar, sc.s.Path(sc.card+"/rkk.pdf")).Body)
	text := pdftest.Text(t, rkk)
	for _, want := range []string{"Реєстраційно-контрольна картка", sc.index, "Дата надходження", "Справа №"} {
		if !strings.Contains(text, want) {
			t.Errorf("the РКК's PDF lacks %q:\n%s", want, text)
		}
	}
	// Every word of the summary and of a long field's name whole (a table's cells wrap side by side, so
	// word by word), and every field and value dark enough to read on the rendered page.
	words := strings.Fields(text)
	for _, want := range strings.Fields(rkkSummary + " Населений пункт (старостинський округ) 09 Комунальне господарство:") {
		if !slices.Contains(words, want) {
			t.Errorf("the РКК's PDF has no whole word %q", want)
		}
	}
	if pdftest.CanRender(t) {
		pdftest.Readable(t, rkk)
	}
	receipt := apptest.Get(t, sc.registrar, sc.s.Path(sc.card+"/receipt")).Body
	for _, want := range []string{"Розписка про прийняття звернення", sc.index, sc.s.URL + "/status", "Гнатюк"} {
		if !strings.Contains(receipt, want) {
			t.Errorf("the receipt lacks %q", want)
		}
	}
}
