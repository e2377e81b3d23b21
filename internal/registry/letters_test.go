package registry_test

import (
	"context"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hromada/hromada/internal/identity"
	"github.com/hromada/hromada/internal/mailtest"
	"github.com/hromada/hromada/internal/paper"
	"github.com/hromada/hromada/internal/pdftest"
	"github.com/hromada/hromada/internal/registry"
	"github.com/hromada/hromada/internal/steptest"
)

// testLetters is the council's letterhead and signatory in the registry's tests.
var testLetters = registry.LetterOptions{
	Letterhead: paper.Letterhead{Name: "Зразкова міська рада", Address: "вул. Соборна, 1, м. Зразкове, 01001",
		Phone: "(044) 123-45-67", Email: "rada@zrazkove.example", Website: "https://zrazkove.example", EDRPOU: "04057287"},
	SignatoryTitle: "Міський голова", SignatoryName: "Василь КРАВЧЕНКО", StatusURL: "https://portal.example/status",
}

// seqOf is the number within the year of an outgoing number made by the default pattern "вих-{seq}/{yy}".
func seqOf(t *testing.T, out string) int {
	t.Helper()
	m := regexp.MustCompile(`^вих-(\d+)/\d\d$`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("outgoing number %q is not of the pattern", out)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// routed registers an appeal by telephone from an author without e-mail and routes it to housing.
func (c *council) routedPhoneAppeal(t *testing.T) *registry.Appeal {
	t.Helper()
	a, err := c.reg.RegisterAppeal(as(c.registrar), staffInput(c.registrar, "phone"))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.reg.Assign(as(c.head), a.ID, registry.AssignInput{Resolution: "Розглянути", DepartmentID: c.housing}); err != nil {
		t.Fatal(err)
	}
	return a
}

// answer has the housing executor draft a reply and the head approve it.
func (c *council) answer(t *testing.T, a *registry.Appeal, text string) {
	t.Helper()
	card := c.card(t, a.ID)
	results := map[int64]string{}
	for _, q := range card.Questions {
		results[q.ID] = registry.ResultResolved
	}
	if err := c.reg.SubmitReply(as(c.executor), a.ID, registry.ReplyInput{DepartmentID: c.housing, Text: text, Results: results}); err != nil {
		t.Fatal(err)
	}
	if err := c.reg.ApproveReply(as(c.head), a.ID); err != nil {
		t.Fatal(err)
	}
}

// paperTrail is what the steps of TestLettersOnPaperForAnAuthorWithoutEmail share.
type paperTrail struct {
	c             council
	first, second *registry.Appeal
	letters       []registry.Letter // both appeals' letters, in the order they were made
}

// A telephone author without e-mail is told on paper: forwarding (closing one appeal, so the next steps
// are on the author's second one), an extension and the answer each make a letter with the next outgoing
// number, and every letter waits in "До відправлення" until it is marked dispatched. The covering letter
// to the competent body is in the register too.
func TestLettersOnPaperForAnAuthorWithoutEmail(t *testing.T) {
	steptest.Run(t, &paperTrail{c: setupCouncil(t)}, []steptest.Step[*paperTrail]{
		{Name: "forward one appeal, extend and answer the other", Run: forwardExtendAnswer},
		{Name: "four letters with consecutive numbers, waiting for the post", Run: checkPaperLetters},
		{Name: "the timelines say the letters wait for the post", Run: checkPaperTimelines},
		{Name: "До відправлення and відправлено", Run: checkDispatch},
	})
}

func forwardExtendAnswer(t *testing.T, p *paperTrail) {
	c := p.c
	p.first, p.second = c.routedPhoneAppeal(t), c.routedPhoneAppeal(t)
	if got := c.card(t, p.first.ID).ReplyBy; got != registry.DeliveryPost {
		t.Fatalf("an author with an address and no e-mail is answered by %q", got)
	}
	if err := c.reg.Forward(as(c.head), p.first.ID, registry.ForwardInput{Body: "Головне управління ДПС у Зразковій області",
		BodyAddress: "вул. Податкова, 1, м. Зразкове", Letter: "Питання податків вирішує податкова служба."}); err != nil {
		t.Fatal(err)
	}
	due := c.card(t, p.second.ID).DueDate.AddDate(0, 0, 10)
	if err := c.reg.Extend(as(c.head), p.second.ID, due, "Потрібна перевірка на місці"); err != nil {
		t.Fatal(err)
	}
	c.answer(t, p.second, "Графік вивезення сміття змінено з 1 грудня.")
	for _, id := range []int64{p.first.ID, p.second.ID} {
		l, err := c.reg.LettersOf(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		p.letters = append(p.letters, l...)
	}
	if len(p.letters) != 4 {
		t.Fatalf("%d letters, want 3 to the author and 1 to the body", len(p.letters))
	}
}

func checkPaperLetters(t *testing.T, p *paperTrail) {
	c := p.c
	toAuthor := []struct {
		appeal int64
		kind   string
	}{{p.first.ID, paper.KindForwarded}, {p.second.ID, paper.KindExtended}, {p.second.ID, paper.KindAnswer}}
	var authorLetters []registry.Letter
	for i, l := range p.letters {
		if seqOf(t, l.OutNumber) != i+1 {
			t.Errorf("letter %d has the number %s: not consecutive", i+1, l.OutNumber)
		}
		if !l.Waiting() || l.Delivery != registry.DeliveryPost {
			t.Errorf("%s: delivery %s, waiting %v", l.OutNumber, l.Delivery, l.Waiting())
		}
		if l.Kind != paper.KindForwardedCover {
			authorLetters = append(authorLetters, l)
		}
	}
	for i, want := range toAuthor {
		l := authorLetters[i]
		if l.AppealID != want.appeal || l.Kind != want.kind || l.AddresseeName != "Шевчук Іван" ||
			l.AddresseeAddress != "м. Зразкове, вул. Садова, 3" || !strings.HasPrefix(l.Reference, "На № ") {
			t.Errorf("author's letter %d: %+v", i, l)
		}
	}
	cover := p.letters[1]
	if cover.Kind != paper.KindForwardedCover || cover.AddresseeName != "Головне управління ДПС у Зразковій області" ||
		!strings.Contains(cover.Body, "Шевчук Іван") || cover.Reference != "" {
		t.Errorf("covering letter: %+v", cover)
	}
	answer := p.letters[3]
	if got := c.card(t, p.second.ID).AnswerOutNumber; got != answer.OutNumber {
		t.Errorf("the card's answer number %q, the register's %q", got, answer.OutNumber)
	}
	// The executor is who prepared the letter, as ДСТУ 4163:2020 writes a name: the reply's author for the
	// answer, the head for the extension; the phone is the council's when the person has none.
	if answer.ExecutorName != "1 ПРАЦІВНИК" || p.letters[2].ExecutorName != "0 ПРАЦІВНИК" || answer.ExecutorPhone != "(044) 123-45-67" {
		t.Errorf("executors: answer %q %q, extension %q", answer.ExecutorName, answer.ExecutorPhone, p.letters[2].ExecutorName)
	}
	if answer.SignatoryName != "Василь КРАВЧЕНКО" || !strings.Contains(answer.Body, "Графік вивезення сміття змінено") {
		t.Errorf("answer letter: %+v", answer)
	}
}

func checkPaperTimelines(t *testing.T, p *paperTrail) {
	c := p.c
	if want, got := []string{"registered", "assigned", "forwarded", "letter_post", "letter_post"}, eventKinds(c.card(t, p.first.ID)); !slices.Equal(got, want) {
		t.Errorf("forwarded appeal's timeline %v, want %v", got, want)
	}
	if want, got := []string{"registered", "assigned", "extended", "letter_post", "reply_submitted", "answered", "letter_post"}, eventKinds(c.card(t, p.second.ID)); !slices.Equal(got, want) {
		t.Errorf("answered appeal's timeline %v, want %v", got, want)
	}
	for _, m := range c.outbox(t) {
		if !strings.HasPrefix(m, "appeal_assigned ") {
			t.Errorf("e-mail to an author without one: %v", m)
		}
	}
}

func checkDispatch(t *testing.T, p *paperTrail) {
	c := p.c
	ctx := context.Background()
	waiting, err := c.reg.WaitingLetters(ctx, time.Time{})
	if err != nil || len(waiting) != 4 {
		t.Fatalf("waiting: %d, %v", len(waiting), err)
	}
	if today, err := c.reg.WaitingLetters(ctx, c.reg.Today()); err != nil || len(today) != 4 {
		t.Fatalf("waiting today: %d, %v", len(today), err)
	}
	ids := []int64{waiting[0].ID, waiting[1].ID, waiting[2].ID, waiting[3].ID}
	if n, err := c.reg.Dispatch(as(c.registrar), ids); err != nil || n != 4 {
		t.Fatalf("dispatch: %d, %v", n, err)
	}
	if n, err := c.reg.Dispatch(as(c.registrar), ids); err != nil || n != 0 {
		t.Fatalf("dispatch again: %d, %v", n, err)
	}
	if left, _ := c.reg.WaitingLetters(ctx, time.Time{}); len(left) != 0 {
		t.Errorf("%d letters still wait", len(left))
	}
	if kinds := eventKinds(c.card(t, p.first.ID)); kinds[len(kinds)-1] != registry.EventLetterDispatched {
		t.Errorf("the dispatch is not on the timeline: %v", kinds)
	}
	lines, total, err := c.reg.ListOutgoing(ctx, registry.OutgoingFilter{Delivery: registry.DeliveryPost})
	if err != nil || total != 4 || lines[0].RegIndex == "" || lines[0].DispatchedAt == nil {
		t.Fatalf("the register: %d lines, %v, %+v", total, err, lines)
	}
	answer := p.letters[3]
	if _, total, _ := c.reg.ListOutgoing(ctx, registry.OutgoingFilter{Kind: paper.KindAnswer, Query: answer.OutNumber}); total != 1 {
		t.Errorf("the register found %d answers numbered %s", total, answer.OutNumber)
	}
}

// A portal author with e-mail gets every letter by e-mail, its PDF attached, through a real SMTP server;
// the register records each as sent by e-mail on the day.
func TestLettersByEmailWithThePDF(t *testing.T) {
	smtp := mailtest.Start(t)
	c := setupCouncilMail(t, smtp)
	ctx := context.Background()
	p, err := c.people.SignIn(ctx, identity.Claims{Issuer: "i", Subject: "olena", TaxID: "3000000001",
		LastName: "Коваленко", GivenName: "Олена", Email: "olena@example.org", EmailVerified: true})
	if err != nil {
		t.Fatal(err)
	}
	a, err := c.reg.RegisterAppeal(ctx, validInput(p.ID))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.reg.Assign(as(c.head), a.ID, registry.AssignInput{Resolution: "Розглянути", DepartmentID: c.housing}); err != nil {
		t.Fatal(err)
	}
	if err := c.reg.Extend(as(c.head), a.ID, c.card(t, a.ID).DueDate.AddDate(0, 0, 5), "Потрібна перевірка на місці"); err != nil {
		t.Fatal(err)
	}
	c.answer(t, a, "Гаряче водопостачання відновлено.")
	letters, err := c.reg.LettersOf(ctx, a.ID)
	if err != nil || len(letters) != 2 {
		t.Fatalf("%d letters, %v", len(letters), err)
	}
	for _, l := range letters {
		if l.Delivery != registry.DeliveryEmail || l.Waiting() || l.AddresseeEmail != "olena@example.org" {
			t.Errorf("%s: %s, waiting %v, to %q", l.OutNumber, l.Delivery, l.Waiting(), l.AddresseeEmail)
		}
	}
	if kinds := eventKinds(c.card(t, a.ID)); !slices.Contains(kinds, "letter_email") || slices.Contains(kinds, "letter_post") {
		t.Errorf("timeline %v", kinds)
	}
	// registered (the optional notice), the executors' assignment, extended, answered.
	msgs := smtp.WaitFor(t, 4, 20*time.Second)
	bySubject := map[string]mailtest.Received{}
	for _, m := range msgs {
		bySubject[m.Subject] = m
	}
	extended := c.card(t, a.ID).DueDate.Format("02.01.2006")
	for subject, l := range map[string]registry.Letter{"Строк розгляду звернення " + a.RegIndex + " продовжено до " + extended: letters[0],
		"Відповідь на звернення " + a.RegIndex: letters[1]} {
		m, ok := bySubject[subject]
		if !ok {
			t.Errorf("no e-mail %q among %d", subject, len(msgs))
			continue
		}
		files := m.Files()
		if len(files) != 1 || files[0].Name != l.FileName() || files[0].ContentType != "application/pdf" {
			t.Errorf("%q carries %+v", subject, files)
			continue
		}
		text := pdftest.Text(t, files[0].Data)
		for _, want := range []string{"ЗРАЗКОВА МІСЬКА РАДА", "№ " + l.OutNumber, "Коваленко Олена Петрівна", l.Subject, "Василь КРАВЧЕНКО"} {
			if !strings.Contains(text, want) {
				t.Errorf("the PDF of %q lacks %q:\n%s", subject, want, text)
			}
		}
	}
}

// Concurrent steps on different appeals take outgoing numbers that never repeat and never skip.
func TestOutgoingNumbersUnderConcurrency(t *testing.T) {
	c := setupCouncil(t)
	const n = 8
	appeals := make([]*registry.Appeal, n)
	for i := range appeals {
		appeals[i] = c.routedPhoneAppeal(t)
	}
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for _, a := range appeals {
		wg.Go(func() {
			errs <- c.reg.Extend(as(c.head), a.ID, a.DueDate.AddDate(0, 0, 3), "Перевірка")
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	var seqs []int
	for _, a := range appeals {
		l, err := c.reg.LettersOf(context.Background(), a.ID)
		if err != nil || len(l) != 1 {
			t.Fatalf("%d letters, %v", len(l), err)
		}
		seqs = append(seqs, seqOf(t, l[0].OutNumber))
	}
	slices.Sort(seqs)
	for i, s := range seqs {
		if s != i+1 {
			t.Fatalf("numbers %v: repeated or skipped", seqs)
		}
	}
}

// An acknowledgement asked for at registration is made with the card; an author who cannot be written
// to (anonymous, no address, no e-mail) gets no letter, and the timeline says so; answers by e-mail need
// an e-mail.
func TestAcknowledgementAndNobodyToWriteTo(t *testing.T) {
	c := setupCouncil(t)
	in := staffInput(c.registrar, "reception")
	in.Acknowledge = true
	a, err := c.reg.RegisterAppeal(as(c.registrar), in)
	if err != nil {
		t.Fatal(err)
	}
	l, err := c.reg.LettersOf(context.Background(), a.ID)
	if err != nil || len(l) != 1 || l[0].Kind != paper.KindAcknowledgement || !l[0].Waiting() ||
		!strings.Contains(l[0].Body, a.RegIndex) || !strings.Contains(l[0].Body, "https://portal.example/status") {
		t.Fatalf("acknowledgement: %+v, %v", l, err)
	}
	if kinds := eventKinds(c.card(t, a.ID)); !slices.Equal(kinds, []string{"registered", "letter_post"}) {
		t.Errorf("timeline %v", kinds)
	}
	if err := c.reg.Acknowledge(as(c.registrar), a.ID); err != nil {
		t.Fatal(err)
	}
	if l, _ := c.reg.LettersOf(context.Background(), a.ID); len(l) != 2 {
		t.Errorf("a second acknowledgement on request: %d letters", len(l))
	}

	anon := staffInput(c.registrar, "mail")
	anon.Nature, anon.LastName, anon.FirstName, anon.Address = registry.NatureAnonymous, "", "", ""
	b, err := c.reg.RegisterAppeal(as(c.registrar), anon)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.reg.LeaveWithoutConsideration(as(c.head), b.ID, "anonymous", ""); err != nil {
		t.Fatal(err)
	}
	if l, _ := c.reg.LettersOf(context.Background(), b.ID); len(l) != 0 {
		t.Errorf("a letter to nobody: %+v", l)
	}
	if kinds := eventKinds(c.card(t, b.ID)); kinds[len(kinds)-1] != registry.EventLetterNone {
		t.Errorf("timeline %v", kinds)
	}

	byEmail := staffInput(c.registrar, "phone")
	byEmail.ReplyBy = registry.DeliveryEmail
	if _, err := c.reg.RegisterAppeal(as(c.registrar), byEmail); fieldsOf(t, err)["reply_by"] != "appeal.error.reply_by_email" {
		t.Errorf("answers by e-mail without one: %v", err)
	}
	byEmail.ReplyBy = "pigeon"
	if _, err := c.reg.RegisterAppeal(as(c.registrar), byEmail); fieldsOf(t, err)["reply_by"] == "" {
		t.Errorf("an unknown way to answer: %v", err)
	}
}

func TestFormatOutNumber(t *testing.T) {
	day := time.Date(2026, 3, 12, 0, 0, 0, 0, time.UTC)
	for pattern, want := range map[string]string{"вих-{seq}/{yy}": "вих-7/26", "01-14/{seq}-{year}": "01-14/7-2026"} {
		if got := registry.FormatOutNumber(pattern, day, 7); got != want {
			t.Errorf("%s: %s, want %s", pattern, got, want)
		}
	}
}
