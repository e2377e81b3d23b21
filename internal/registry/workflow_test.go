package registry_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/hromada/hromada/internal/audit"
	"github.com/hromada/hromada/internal/dbtest"
	"github.com/hromada/hromada/internal/department"
	"github.com/hromada/hromada/internal/errs"
	"github.com/hromada/hromada/internal/i18n"
	"github.com/hromada/hromada/internal/identity"
	"github.com/hromada/hromada/internal/mailtest"
	"github.com/hromada/hromada/internal/notify"
	"github.com/hromada/hromada/internal/registry"
	"github.com/hromada/hromada/internal/steptest"
)

// council is a registry with notices (written to the outbox; nothing is sent), two departments and staff.
type council struct {
	reg                    *registry.Service
	people                 *identity.Service
	db                     *gorm.DB
	kyiv                   *time.Location
	housing, social, other int64 // departments
	head, executor, helper int64 // persons: a head, an executor of housing, an executor of social
	registrar, outsider    int64 // a registrar, an executor of the third department
}

func setupCouncil(t *testing.T) council { return setupCouncilMail(t, nil) }

// setupCouncilMail is setupCouncil with notices sent to a real SMTP server by a running worker.
func setupCouncilMail(t *testing.T, smtp *mailtest.Server) council {
	t.Helper()
	gdb := dbtest.Open(t)
	base, _ := url.Parse("https://portal.example")
	var mailer notify.Mailer = notify.NewConsoleMailer(io.Discard)
	var err error
	if smtp != nil {
		if mailer, err = notify.NewSMTPMailer(smtp.URL(), "Громада <noreply@rada.example>"); err != nil {
			t.Fatal(err)
		}
	}
	ns, err := notify.NewService(gdb, notify.Options{BaseURL: base, Council: i18n.Text{UK: "Рада", EN: "Council"},
		Secret: []byte("test-secret-test-secret-test-secret"), Mailer: mailer, Log: dbtest.Quiet(),
		Work: smtp != nil, FetchPollInterval: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if smtp != nil {
		ctx, cancel := context.WithCancel(context.Background())
		if err := ns.Start(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			sctx, c := context.WithTimeout(context.Background(), 5*time.Second)
			defer c()
			_ = ns.Stop(sctx)
			cancel()
		})
	}
	reg, kyiv := newRegistry(t, gdb, registry.Options{IndexPattern: "{letter}-{seq}/{yy}", Notify: ns, Letters: testLetters})
	c := council{reg: reg, people: identity.NewService(gdb, []byte("test-secret-test-secret-test-secret")), db: gdb, kyiv: kyiv}
	c.people.OnSignIn(c.reg.LinkWaitingAppeals) // as the program wires it
	deps := department.NewService(gdb)
	ctx := context.Background()
	for _, d := range []struct {
		id   *int64
		name string
	}{{&c.housing, "Управління житлово-комунального господарства"}, {&c.social, "Управління соціального захисту"}, {&c.other, "Відділ освіти"}} {
		dep, err := deps.Create(ctx, d.name, "")
		if err != nil {
			t.Fatal(err)
		}
		*d.id = dep.ID
	}
	for _, s := range []struct {
		id   *int64
		role string
		dept int64
	}{{&c.head, identity.RoleHead, 0}, {&c.executor, identity.RoleExecutor, c.housing},
		{&c.helper, identity.RoleExecutor, c.social}, {&c.registrar, identity.RoleRegistrar, 0},
		{&c.outsider, identity.RoleExecutor, c.other}} {
		n := len(c.staffIDs())
		email := fmt.Sprintf("staff%d@rada.example", n)
		p, err := c.people.SignIn(ctx, identity.Claims{Issuer: "i", Subject: email, TaxID: fmt.Sprintf("%010d", 2000000000+n),
			LastName: "Працівник", GivenName: fmt.Sprint(n), Email: email, EmailVerified: true})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.people.GrantRole(ctx, email, s.role, "test"); err != nil {
			t.Fatal(err)
		}
		if s.dept != 0 {
			if err := c.people.SetDepartment(ctx, gdb, p.ID, s.dept); err != nil {
				t.Fatal(err)
			}
		}
		*s.id = p.ID
	}
	return c
}

func (c *council) staffIDs() []int64 {
	var ids []int64
	for _, id := range []int64{c.head, c.executor, c.helper, c.registrar, c.outsider} {
		if id != 0 {
			ids = append(ids, id)
		}
	}
	return ids
}

// as is the context of a request by the person.
func as(person int64) context.Context {
	return audit.WithActor(context.Background(), audit.Actor{PersonID: person, IP: "198.51.100.4"})
}

// phoneAppeal registers a telephone appeal with two questions, received on the day given.
func (c *council) phoneAppeal(t *testing.T, received time.Time) *registry.Appeal {
	t.Helper()
	in := staffInput(c.registrar, "phone")
	in.Email = "ivan.shevchuk@example.org"
	in.ReceivedAt = received
	in.Questions = append(in.Questions, registry.QuestionInput{SubjectCode: "10", Text: "Ремонт даху"})
	a, err := c.reg.RegisterAppeal(as(c.registrar), in)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func (c *council) card(t *testing.T, id int64) *registry.Appeal {
	t.Helper()
	a, err := c.reg.AppealForStaff(as(c.head), id)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// outbox lists the kinds and addresses of the notices written, in order.
func (c *council) outbox(t *testing.T) []string {
	t.Helper()
	var rows []notify.Message
	if err := c.db.Order("id").Find(&rows).Error; err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range rows {
		out = append(out, m.Kind+" "+m.ToAddress)
	}
	return out
}

func codeOf(err error) errs.Code {
	var e *errs.Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

func eventKinds(a *registry.Appeal) []string {
	var out []string
	for _, e := range a.Events {
		out = append(out, e.Kind)
	}
	return out
}

// replyPath is what the steps of TestAssignReplyApprove share: the council and the appeal on its way.
type replyPath struct {
	c       *council
	a       *registry.Appeal
	results map[int64]string // a result for each question
}

// The whole path: resolution → lead department with a co-executor → reply → sent back → reply → approved.
func TestAssignReplyApprove(t *testing.T) {
	c := setupCouncil(t)
	steptest.Run(t, &replyPath{c: &c, a: c.phoneAppeal(t, time.Now())}, []steptest.Step[*replyPath]{
		{Name: "routing needs a resolution and the lead department's executor", Run: refuseBadRouting},
		{Name: "the head routes to a lead department with a co-executor", Run: routeWithCoExecutor},
		{Name: "only the lead department replies, with a result for every question", Run: refuseBadReplies},
		{Name: "a draft is sent back, the second reply approved", Run: sendBackThenApprove},
		{Name: "the answered card, its timeline and replies", Run: checkAnswered},
		{Name: "the author is told and the closed appeal takes no more steps", Run: checkClosed},
		{Name: "the audit log names every change and every opening", Run: checkReplyPathAudited},
	})
}

// Only a resolution with an active lead department routes the appeal, and replies wait for routing.
func refuseBadRouting(t *testing.T, p *replyPath) {
	c, a := p.c, p.a
	if err := c.reg.Assign(as(c.head), a.ID, registry.AssignInput{}); codeOf(err) != errs.Invalid {
		t.Fatalf("empty resolution: %v", err)
	}
	err := c.reg.Assign(as(c.head), a.ID, registry.AssignInput{Resolution: "Розглянути", DepartmentID: c.housing, ExecutorID: c.helper})
	if codeOf(err) != errs.Invalid {
		t.Fatalf("an executor of another department: %v", err)
	}
	if err := c.reg.SubmitReply(as(c.executor), a.ID, registry.ReplyInput{DepartmentID: c.housing, Text: "x"}); codeOf(err) != errs.Conflict {
		t.Fatalf("reply before routing: %v", err)
	}
}

func routeWithCoExecutor(t *testing.T, p *replyPath) {
	c, a := p.c, p.a
	err := c.reg.Assign(as(c.head), a.ID, registry.AssignInput{Resolution: "Розглянути та надати відповідь",
		DepartmentID: c.housing, CoExecutors: []int64{c.social}, ExecutorID: c.executor})
	if err != nil {
		t.Fatal(err)
	}
	card := c.card(t, a.ID)
	if card.Status != registry.StatusInProgress || *card.DepartmentID != c.housing || len(card.CoExecutors) != 1 ||
		*card.ExecutorID != c.executor || *card.ResolutionBy != c.head {
		t.Fatalf("after assignment: %+v", card)
	}
	// The named executor and the co-executing department are told (the named one once).
	if got := c.outbox(t); !slices.Equal(got, []string{"appeal_registered ivan.shevchuk@example.org", "appeal_assigned staff1@rada.example", "appeal_assigned staff2@rada.example"}) {
		t.Fatalf("assignment notices: %v", got)
	}
	for _, who := range []int64{c.executor, c.helper} {
		if ok, _ := c.reg.InScope(context.Background(), a.ID, map[int64]int64{c.executor: c.housing, c.helper: c.social}[who]); !ok {
			t.Error("the lead or co-executing department cannot see the appeal")
		}
	}
	if ok, _ := c.reg.InScope(context.Background(), a.ID, c.other); ok {
		t.Error("another department sees the appeal")
	}
	q := card.Questions
	p.results = map[int64]string{q[0].ID: "resolved", q[1].ID: "explained"}
}

// Only the lead department answers, and every question needs a result.
func refuseBadReplies(t *testing.T, p *replyPath) {
	c, a := p.c, p.a
	if err := c.reg.SubmitReply(as(c.helper), a.ID, registry.ReplyInput{DepartmentID: c.social, Text: "Відповідь", Results: p.results}); codeOf(err) != errs.Forbidden {
		t.Fatalf("a co-executor's reply: %v", err)
	}
	q := c.card(t, a.ID).Questions
	err := c.reg.SubmitReply(as(c.executor), a.ID, registry.ReplyInput{DepartmentID: c.housing, Text: "Відповідь",
		Results: map[int64]string{q[0].ID: "resolved"}})
	if fields := fieldsOf(t, err); fields[fmt.Sprintf("result_%d", q[1].ID)] == "" {
		t.Fatalf("a question without a result: %v", fields)
	}
}

func sendBackThenApprove(t *testing.T, p *replyPath) {
	c, a := p.c, p.a
	if err := c.reg.SubmitReply(as(c.executor), a.ID, registry.ReplyInput{DepartmentID: c.housing, Text: "Чернетка", Results: p.results}); err != nil {
		t.Fatal(err)
	}
	if got := c.card(t, a.ID).Status; got != registry.StatusAwaitingApproval {
		t.Fatalf("after the draft: %s", got)
	}
	if err := c.reg.SendBack(as(c.head), a.ID, "Уточніть строки ремонту"); err != nil {
		t.Fatal(err)
	}
	err := c.reg.SubmitReply(as(c.executor), a.ID, registry.ReplyInput{DepartmentID: c.housing,
		Text: "Графік вивезення змінено з 1 грудня; дах відремонтують у травні.", Results: p.results,
		Attachments: []registry.Upload{upload("відповідь.pdf", []byte("%PDF-1.4\n%%EOF"))}})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.reg.ApproveReply(as(c.head), a.ID); err != nil {
		t.Fatal(err)
	}
}

func checkAnswered(t *testing.T, p *replyPath) {
	c, a := p.c, p.a
	card := c.card(t, a.ID)
	// The answer's outgoing number is the register's first of the year.
	if card.Status != registry.StatusAnswered || card.Result != "resolved" || !strings.HasPrefix(card.AnswerOutNumber, "вих-1/") ||
		card.AnsweredAt == nil || *card.ClosedBy != c.head || card.Questions[0].Result != "resolved" || card.Questions[1].Result != "explained" {
		t.Fatalf("after approval: %+v", card)
	}
	want := []string{"registered", "assigned", "reply_submitted", "reply_sent_back", "reply_submitted", "answered", "letter_email"}
	if got := eventKinds(card); !slices.Equal(got, want) {
		t.Fatalf("timeline %v, want %v", got, want)
	}
	if *card.Events[5].ActorPersonID != c.head || *card.Events[4].ActorPersonID != c.executor {
		t.Error("the timeline does not name who acted")
	}
	replies, err := c.reg.Replies(context.Background(), a.ID)
	if err != nil || len(replies) != 2 || replies[0].State != registry.ReplyApproved || replies[1].State != registry.ReplySentBack ||
		replies[1].ReviewNote != "Уточніть строки ремонту" || len(replies[0].Attachments) != 1 {
		t.Fatalf("replies: %+v %v", replies, err)
	}
}

// The author is told by e-mail; a closed appeal takes no more steps.
func checkClosed(t *testing.T, p *replyPath) {
	c, a := p.c, p.a
	if got := c.outbox(t); got[len(got)-1] != "appeal_answered ivan.shevchuk@example.org" {
		t.Fatalf("answer notice: %v", got)
	}
	if err := c.reg.Extend(as(c.head), a.ID, time.Now().AddDate(0, 0, 40), "Пізно"); codeOf(err) != errs.Conflict {
		t.Fatalf("extending an answered appeal: %v", err)
	}
}

// The audit log tells who did each change, from where, and every opening of the card.
func checkReplyPathAudited(t *testing.T, p *replyPath) {
	var lines []audit.Entry
	p.c.db.Where("object_type = ? AND object_id = ?", "appeal", p.a.ID).Order("id").Find(&lines)
	var actions []string
	for _, l := range lines {
		if l.Action != "appeal.view" {
			actions = append(actions, l.Action)
		}
	}
	wantActions := []string{"appeal.register", "appeal.assign", "appeal.reply_submit", "appeal.reply_send_back", "appeal.reply_submit", "appeal.reply_approve"}
	if !slices.Equal(actions, wantActions) && !slices.Equal(actions, wantActions[1:]) {
		t.Fatalf("audit actions %v", actions)
	}
	if len(lines) == len(actions) || lines[len(lines)-1].IP != "198.51.100.4" {
		t.Fatalf("card openings or addresses are not logged: %+v", lines)
	}
}

// Forwarding, returning and leaving without consideration close the appeal with their own result on
// every question and tell the author.
func TestRoutingThatClosesAppeals(t *testing.T) {
	c := setupCouncil(t)
	cases := []struct {
		name   string
		do     func(id int64) error
		status string
		notice string
	}{
		{"forward", func(id int64) error {
			return c.reg.Forward(as(c.head), id, registry.ForwardInput{Body: "Головне управління ДПС в області", BodyAddress: "вул. Податкова, 1, м. Зразкове", Letter: "Питання податків вирішує податкова служба."})
		}, registry.StatusForwarded, "appeal_forwarded"},
		{"return", func(id int64) error {
			return c.reg.Return(as(c.head), id, "Не зазначено місце проживання.", "")
		}, registry.StatusReturned, "appeal_returned"},
		{"leave", func(id int64) error {
			return c.reg.LeaveWithoutConsideration(as(c.head), id, "repeat_resolved", "Питання вирішено відповіддю від 01.10.")
		}, registry.StatusNotConsidered, "appeal_not_considered"},
	}
	for _, tc := range cases {
		a := c.phoneAppeal(t, time.Now())
		if err := tc.do(a.ID); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		card := c.card(t, a.ID)
		if card.Status != tc.status || card.Result != tc.status || card.AnsweredAt == nil || card.Questions[1].Result != tc.status {
			t.Errorf("%s: %+v", tc.name, card)
		}
		if got := c.outbox(t); got[len(got)-1] != tc.notice+" ivan.shevchuk@example.org" {
			t.Errorf("%s: notices %v", tc.name, got)
		}
		if err := tc.do(a.ID); codeOf(err) != errs.Conflict {
			t.Errorf("%s twice: %v", tc.name, err)
		}
	}
	a := c.phoneAppeal(t, time.Now())
	if err := c.reg.LeaveWithoutConsideration(as(c.head), a.ID, "dislike", ""); codeOf(err) != errs.Invalid {
		t.Errorf("a reason outside Art. 8: %v", err)
	}
	if err := c.reg.Forward(as(c.head), a.ID, registry.ForwardInput{}); codeOf(err) != errs.Invalid {
		t.Errorf("forward nowhere: %v", err)
	}
}

// Terms: 30 days, 15 for simple appeals, extensions never past 45 days from receipt, the author told.
func TestDeadlines(t *testing.T) {
	c := setupCouncil(t)
	received := time.Date(2026, 11, 2, 15, 0, 0, 0, c.kyiv)
	day := func(d int) time.Time { return time.Date(2026, 11, 2+d, 0, 0, 0, 0, time.UTC) }
	a := c.phoneAppeal(t, received)
	if !a.DueDate.Equal(day(30)) {
		t.Fatalf("due %v, want %v", a.DueDate, day(30))
	}
	if err := c.reg.Assign(as(c.head), a.ID, registry.AssignInput{Resolution: "Розглянути", DepartmentID: c.housing, Simple: true}); err != nil {
		t.Fatal(err)
	}
	if got := c.card(t, a.ID).DueDate; !got.Equal(day(15)) {
		t.Fatalf("simple appeal due %v, want %v", got, day(15))
	}
	for _, tc := range []struct {
		due    time.Time
		reason string
		field  string
	}{{day(15), "Потрібна перевірка", "due"}, {day(46), "Потрібна перевірка", "due"}, {day(40), "", "reason"}} {
		if fields := fieldsOf(t, c.reg.Extend(as(c.head), a.ID, tc.due, tc.reason)); fields[tc.field] == "" {
			t.Errorf("extend to %v: %v", tc.due, fields)
		}
	}
	if err := c.reg.Extend(as(c.head), a.ID, day(45), "Потрібне обстеження будинку"); err != nil {
		t.Fatal(err)
	}
	card := c.card(t, a.ID)
	if !card.DueDate.Equal(day(45)) || !slices.Contains(eventKinds(card), registry.EventExtended) {
		t.Fatalf("after extension: %v %v", card.DueDate, eventKinds(card))
	}
	if got := c.outbox(t); got[len(got)-1] != "appeal_extended ivan.shevchuk@example.org" {
		t.Fatalf("extension notice: %v", got)
	}
	// Unmarking "simple" after an extension keeps the extended date: that was the head's decision.
	if err := c.reg.Assign(as(c.head), a.ID, registry.AssignInput{Resolution: "Розглянути", DepartmentID: c.housing}); err != nil {
		t.Fatal(err)
	}
	if got := c.card(t, a.ID).DueDate; !got.Equal(day(45)) {
		t.Fatalf("re-routing moved the extended date to %v", got)
	}
	if err := c.reg.Extend(as(c.head), a.ID, day(46), "Ще"); codeOf(err) != errs.Invalid {
		t.Fatalf("past 45 days in two steps: %v", err)
	}
}

// Reminders go once at 5 days and once at 1 day before the due date; an extension starts them again.
// The overdue digest goes to each department's staff.
func TestRemindersAndDigest(t *testing.T) {
	c := setupCouncil(t)
	ctx := context.Background()
	now := time.Now().In(c.kyiv)
	soon := c.phoneAppeal(t, now.AddDate(0, 0, -26)) // due in 4 days
	late := c.phoneAppeal(t, now.AddDate(0, 0, -32)) // 2 days overdue
	calm := c.phoneAppeal(t, now.AddDate(0, 0, -10)) // due in 20 days
	for _, a := range []*registry.Appeal{soon, late, calm} {
		if err := c.reg.Assign(as(c.head), a.ID, registry.AssignInput{Resolution: "Розглянути", DepartmentID: c.housing}); err != nil {
			t.Fatal(err)
		}
	}
	start := len(c.outbox(t))
	n, err := c.reg.RemindDeadlines(ctx)
	if err != nil || n != 1 {
		t.Fatalf("first run reminded %d, %v", n, err)
	}
	if n, _ := c.reg.RemindDeadlines(ctx); n != 0 {
		t.Fatalf("a second run reminded %d again", n)
	}
	got := c.outbox(t)[start:]
	if !slices.Equal(got, []string{"appeal_due_soon staff1@rada.example"}) {
		t.Fatalf("reminders: %v", got)
	}
	// One day before: the second reminder.
	c.db.Model(&registry.Appeal{}).Where("id = ?", soon.ID).Update("due_date", c.card(t, soon.ID).DueDate.AddDate(0, 0, -3))
	if n, _ := c.reg.RemindDeadlines(ctx); n != 1 {
		t.Fatalf("the 1-day reminder: %d", n)
	}
	if n, _ := c.reg.RemindDeadlines(ctx); n != 0 {
		t.Fatalf("the 1-day reminder twice: %d", n)
	}
	// An extension clears the mark: the new date gets its own reminders.
	if err := c.reg.Extend(as(c.head), soon.ID, c.card(t, soon.ID).DueDate.AddDate(0, 0, 3), "Обстеження"); err != nil {
		t.Fatal(err)
	}
	if n, _ := c.reg.RemindDeadlines(ctx); n != 1 {
		t.Fatalf("after the extension: %d", n)
	}

	start = len(c.outbox(t))
	at := func(hour, minute int) time.Time {
		return time.Date(now.Year(), now.Month(), now.Day(), hour, minute, 0, 0, c.kyiv)
	}
	if n, _ := c.reg.OverdueDigest(ctx, at(7, 59)); n != 0 {
		t.Fatalf("the digest went out before 08:00 to %d", n)
	}
	n, err = c.reg.OverdueDigest(ctx, at(9, 0))
	if err != nil || n != 1 {
		t.Fatalf("digest to %d, %v", n, err)
	}
	if n, _ := c.reg.OverdueDigest(ctx, at(10, 0)); n != 0 {
		t.Fatalf("the digest went out twice a day, to %d", n)
	}
	if got := c.outbox(t)[start:]; !slices.Equal(got, []string{"appeal_overdue_digest staff1@rada.example"}) {
		t.Fatalf("digest: %v", got)
	}
	d, err := c.reg.DepartmentDashboard(ctx, registry.Filter{DepartmentID: c.housing})
	if err != nil || d.OverdueTotal != 1 || d.Overdue[0].ID != late.ID || d.DueSoonTotal != 1 || d.AwaitingTotal != 0 {
		t.Fatalf("dashboard %+v %v", d, err)
	}
}

func TestAppealResult(t *testing.T) {
	for _, tc := range []struct {
		in   []string
		want string
	}{{[]string{"resolved"}, "resolved"}, {[]string{"explained", "resolved"}, "explained"},
		{[]string{"refused", "resolved", "resolved"}, "resolved"}, {nil, ""}} {
		if got := registry.AppealResult(tc.in); got != tc.want {
			t.Errorf("AppealResult(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// Every notice of the workflow reaches a real SMTP server, rendered in Ukrainian, with its link.
func TestWorkflowNoticesAreDelivered(t *testing.T) {
	smtp := mailtest.Start(t)
	c := setupCouncilMail(t, smtp)
	ctx := context.Background()
	now := time.Now().In(c.kyiv)
	routed := c.phoneAppeal(t, now.AddDate(0, 0, -26)) // due in 4 days
	late := c.phoneAppeal(t, now.AddDate(0, 0, -31))   // overdue
	for _, a := range []*registry.Appeal{routed, late} {
		if err := c.reg.Assign(as(c.head), a.ID, registry.AssignInput{Resolution: "Розглянути", DepartmentID: c.housing}); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.reg.Extend(as(c.head), late.ID, c.reg.MaxDue(late), "Потрібне обстеження"); err != nil {
		t.Fatal(err)
	}
	c.db.Model(&registry.Appeal{}).Where("id = ?", late.ID).Update("due_date", late.DueDate.AddDate(0, 0, -2))
	if _, err := c.reg.RemindDeadlines(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := c.reg.OverdueDigest(ctx, time.Date(now.Year(), now.Month(), now.Day(), 9, 0, 0, 0, c.kyiv)); err != nil {
		t.Fatal(err)
	}
	for _, step := range []func(id int64) error{
		func(id int64) error {
			return c.reg.Forward(as(c.head), id, registry.ForwardInput{Body: "Податкова служба", BodyAddress: "вул. Податкова, 1", Letter: "Питання податків."})
		},
		func(id int64) error { return c.reg.Return(as(c.head), id, "Не вказано адресу.", "") },
		func(id int64) error { return c.reg.LeaveWithoutConsideration(as(c.head), id, "late_complaint", "") },
	} {
		if err := step(c.phoneAppeal(t, now).ID); err != nil {
			t.Fatal(err)
		}
	}
	card := c.card(t, routed.ID)
	if err := c.reg.SubmitReply(as(c.executor), routed.ID, registry.ReplyInput{DepartmentID: c.housing, Text: "Воду відновлено.",
		Results: map[int64]string{card.Questions[0].ID: "resolved", card.Questions[1].ID: "explained"}}); err != nil {
		t.Fatal(err)
	}
	if err := c.reg.ApproveReply(as(c.head), routed.ID); err != nil {
		t.Fatal(err)
	}
	mails := smtp.WaitFor(t, len(c.outbox(t)), 20*time.Second)
	got := map[string]bool{}
	for _, m := range mails {
		got[m.Subject] = true
		if !strings.Contains(m.Part("text/plain"), "https://portal.example/") {
			t.Errorf("%q has no link to the portal", m.Subject)
		}
	}
	for _, prefix := range []string{"Нове доручення: звернення", "Строк розгляду звернення", "Прострочені звернення: 1",
		"надіслано за належністю", "повернуто", "залишено без розгляду", "Відповідь на звернення", "строк спливає"} {
		found := false
		for subject := range got {
			found = found || strings.Contains(subject, prefix)
		}
		if !found {
			t.Errorf("no e-mail with %q among %v", prefix, slices.Sorted(maps.Keys(got)))
		}
	}
}

// A telephone appeal shows in the account that carries both the author's e-mail and name; an account
// with the e-mail but another name does not get it.
func TestStaffAppealFindsTheAuthorsAccount(t *testing.T) {
	c := setupCouncil(t)
	ctx := context.Background()
	author, err := c.people.SignIn(ctx, identity.Claims{Issuer: "i", Subject: "ivan", TaxID: "3111111111",
		LastName: "ШЕВЧУК", GivenName: "Іван", Email: "Ivan.Shevchuk@example.org", EmailVerified: true})
	if err != nil {
		t.Fatal(err)
	}
	a := c.phoneAppeal(t, time.Now())
	if a.PersonID == nil || *a.PersonID != author.ID {
		t.Fatalf("the appeal is not in its author's account: %v", a.PersonID)
	}
	if _, err := c.reg.AppealOfPerson(ctx, author.ID, a.ID); err != nil {
		t.Fatalf("the author cannot open it: %v", err)
	}
	in := staffInput(c.registrar, "mail")
	in.LastName, in.Email = "Шевченко", "ivan.shevchuk@example.org" // a typo'd name, or someone else's e-mail
	other, err := c.reg.RegisterAppeal(as(c.registrar), in)
	if err != nil {
		t.Fatal(err)
	}
	if other.PersonID != nil {
		t.Fatal("an appeal went to an account whose name differs")
	}
}

// An e-mail the provider does not vouch for links nothing: the appeal waits, the card says why, and the
// author's first sign-in with the e-mail verified brings the appeal into the account; an account with the
// e-mail and another name, or a second account with the same verified e-mail, never gets it.
func TestAppealWaitsForAVerifiedEmail(t *testing.T) {
	c := setupCouncil(t)
	ctx := context.Background()
	ivan := identity.Claims{Issuer: "i", Subject: "ivan", TaxID: "3111111111", LastName: "Шевчук", GivenName: "Іван",
		Email: "ivan.shevchuk@example.org"}
	author, err := c.people.SignIn(ctx, ivan) // the provider does not vouch for the e-mail
	if err != nil {
		t.Fatal(err)
	}
	a := c.phoneAppeal(t, time.Now())
	if a.PersonID != nil {
		t.Fatal("an unverified e-mail linked the appeal to an account")
	}
	if why, err := c.people.UnlinkedReason(ctx, a.AuthorEmail, a.AuthorLastName, a.AuthorFirstName); err != nil || why != identity.UnlinkedUnverified {
		t.Fatalf("the card's reason: %q %v", why, err)
	}
	otherName := staffInput(c.registrar, "mail")
	otherName.LastName, otherName.Email = "Шевченко", "IVAN.SHEVCHUK@example.org"
	b, err := c.reg.RegisterAppeal(as(c.registrar), otherName)
	if err != nil {
		t.Fatal(err)
	}
	anonymous := staffInput(c.registrar, "mail")
	anonymous.Nature, anonymous.LastName, anonymous.FirstName, anonymous.Address = registry.NatureAnonymous, "", "", ""
	anonymous.Email = "ivan.shevchuk@example.org"
	anon, err := c.reg.RegisterAppeal(as(c.registrar), anonymous)
	if err != nil {
		t.Fatal(err)
	}
	if why, _ := c.people.UnlinkedReason(ctx, "nobody@example.org", "Шевчук", "Іван"); why != identity.UnlinkedNoAccount {
		t.Fatalf("an e-mail nobody signed in with: %q", why)
	}

	ivan.EmailVerified = true
	if _, err := c.people.SignIn(ctx, ivan); err != nil {
		t.Fatal(err)
	}
	if got := c.card(t, a.ID); got.PersonID == nil || *got.PersonID != author.ID {
		t.Fatalf("after signing in with the e-mail verified the appeal is not in the account: %v", got.PersonID)
	}
	if _, err := c.reg.AppealOfPerson(ctx, author.ID, a.ID); err != nil {
		t.Fatalf("the author cannot open it: %v", err)
	}
	for _, id := range []int64{b.ID, anon.ID} {
		if got := c.card(t, id); got.PersonID != nil {
			t.Fatalf("appeal %d (another name, or anonymous) went to the account", id)
		}
	}
	if why, _ := c.people.UnlinkedReason(ctx, b.AuthorEmail, b.AuthorLastName, b.AuthorFirstName); why != identity.UnlinkedOtherName {
		t.Fatalf("another name: %q", why)
	}
	var lines int64
	if err := c.db.Table("audit_log").Where("action = ? AND object_id = ?", "appeal.link", a.ID).Count(&lines).Error; err != nil || lines != 1 {
		t.Fatalf("audit lines for the link: %d %v", lines, err)
	}
	// A new appeal links at once now.
	if d := c.phoneAppeal(t, time.Now()); d.PersonID == nil || *d.PersonID != author.ID {
		t.Fatal("with the e-mail verified a new appeal is not linked at registration")
	}

	// Two accounts with the same verified e-mail: neither gets the appeal, at registration or at sign-in.
	family := func(i int, name string) identity.Claims {
		return identity.Claims{Issuer: "i", Subject: "family" + name, TaxID: fmt.Sprintf("31111111%02d", 20+i),
			LastName: "Гнатюк", GivenName: name, Email: "family@example.org", EmailVerified: true}
	}
	for i, name := range []string{"Олег", "Ольга"} {
		if _, err := c.people.SignIn(ctx, family(i, name)); err != nil {
			t.Fatal(err)
		}
	}
	in := staffInput(c.registrar, "mail")
	in.LastName, in.FirstName, in.Email = "Гнатюк", "Олег", "family@example.org"
	shared, err := c.reg.RegisterAppeal(as(c.registrar), in)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.people.SignIn(ctx, family(0, "Олег")); err != nil {
		t.Fatal(err)
	}
	if got := c.card(t, shared.ID); got.PersonID != nil {
		t.Fatal("an e-mail two accounts share linked the appeal")
	}
	if why, _ := c.people.UnlinkedReason(ctx, in.Email, in.LastName, in.FirstName); why != identity.UnlinkedAmbiguous {
		t.Fatalf("a shared e-mail: %q", why)
	}
}

// Unticking "simple" never lengthens the term: that takes an extension. Exports are logged.
func TestSimpleMarkOnlyShortensAndExportsAreLogged(t *testing.T) {
	c := setupCouncil(t)
	received := time.Date(2026, 11, 2, 15, 0, 0, 0, c.kyiv)
	a := c.phoneAppeal(t, received)
	for _, simple := range []bool{true, false} {
		if err := c.reg.Assign(as(c.head), a.ID, registry.AssignInput{Resolution: "Розглянути", DepartmentID: c.housing, Simple: simple}); err != nil {
			t.Fatal(err)
		}
		if got, want := c.card(t, a.ID).DueDate, time.Date(2026, 11, 17, 0, 0, 0, 0, time.UTC); !got.Equal(want) {
			t.Fatalf("simple=%v: due %v, want %v", simple, got, want)
		}
	}
	n := 0
	if err := c.reg.EachForStaff(as(c.head), registry.Filter{Channel: "phone"}, func(*registry.Appeal) error { n++; return nil }); err != nil || n != 1 {
		t.Fatalf("export: %d, %v", n, err)
	}
	var line audit.Entry
	if err := c.db.Where("action = ?", "appeal.export").Take(&line).Error; err != nil || line.Detail != "rows=1 channel=phone" || *line.ActorPersonID != c.head {
		t.Fatalf("export audit line: %+v %v", line, err)
	}
}
