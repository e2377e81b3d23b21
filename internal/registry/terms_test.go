package registry_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hromada/hromada/internal/audit"
	"github.com/hromada/hromada/internal/calendar"
	"github.com/hromada/hromada/internal/dbtest"
	"github.com/hromada/hromada/internal/errs"
	"github.com/hromada/hromada/internal/identity"
	"github.com/hromada/hromada/internal/registry"
	"github.com/hromada/hromada/internal/report"
	"github.com/hromada/hromada/internal/steptest"
)

// daysAgo is the moment n days before now, at the same time of the council's day.
func (c *council) daysAgo(n int) time.Time { return time.Now().In(c.kyiv).AddDate(0, 0, -n) }

// auditDetails lists the audit lines of the appeal with the action, oldest first.
func (c *council) auditDetails(t *testing.T, appealID int64, action string) []string {
	t.Helper()
	var lines []audit.Entry
	if err := c.db.Where("object_type = ? AND object_id = ? AND action = ?", "appeal", appealID, action).Order("id").
		Find(&lines).Error; err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range lines {
		out = append(out, l.Detail)
	}
	return out
}

func ids(list []registry.Appeal) []int64 {
	var out []int64
	for _, a := range list {
		out = append(out, a.ID)
	}
	return out
}

// termScene is what the steps of TestLateForwardAndReturnNeedAReason share.
type termScene struct {
	c                     *council
	forward, back, inTime *registry.Appeal
}

// Forwarding more than 5 days after receipt, or returning more than 10 days after it, is refused without
// a recorded reason; with one it is taken and shows as a breach on the card, in the registry's filter, on
// the dashboard and in the report.
func TestLateForwardAndReturnNeedAReason(t *testing.T) {
	c := setupCouncil(t)
	sc := &termScene{c: &c, forward: c.phoneAppeal(t, c.daysAgo(7)), back: c.phoneAppeal(t, c.daysAgo(11)),
		inTime: c.phoneAppeal(t, c.daysAgo(5))}
	steptest.Run(t, sc, []steptest.Step[*termScene]{
		{Name: "a late forward and a late return without a reason are refused", Run: refuseLateWithoutReason},
		{Name: "with a reason they are taken and recorded as breaches", Run: takeLateWithReason},
		{Name: "a step on the term's last day needs no reason and is no breach", Run: takeInTime},
		{Name: "the breaches in the registry, on the dashboard and in the report", Run: showBreaches},
	})
}

func refuseLateWithoutReason(t *testing.T, sc *termScene) {
	c := sc.c
	if !c.reg.Late(sc.forward, registry.StepForward) || c.reg.Late(sc.forward, registry.StepReturn) {
		t.Fatal("7 days after receipt: late to forward (5 days), in time to return (10 days)")
	}
	err := c.reg.Forward(as(c.head), sc.forward.ID, registry.ForwardInput{Body: "Держгеокадастр", BodyAddress: "вул. Земельна, 2",
		Letter: "Питання землі вирішує Держгеокадастр.", LateReason: "  "})
	if fields := fieldsOf(t, err); fields["late_reason"] != "terms.error.late_reason" {
		t.Fatalf("a late forward without a reason: %v", fields)
	}
	err = c.reg.Return(as(c.head), sc.back.ID, "Не зазначено місце проживання.", "")
	if fields := fieldsOf(t, err); fields["late_reason"] != "terms.error.late_reason" {
		t.Fatalf("a late return without a reason: %v", fields)
	}
	for _, a := range []*registry.Appeal{sc.forward, sc.back} {
		if card := c.card(t, a.ID); card.Status != registry.StatusRegistered || card.TermBreach || len(card.Events) != 1 {
			t.Errorf("a refused step changed the appeal: %s %v %v", card.Status, card.TermBreach, eventKinds(card))
		}
	}
}

func takeLateWithReason(t *testing.T, sc *termScene) {
	c := sc.c
	if err := c.reg.Forward(as(c.head), sc.forward.ID, registry.ForwardInput{Body: "Держгеокадастр",
		BodyAddress: "вул. Земельна, 2", Letter: "Питання землі вирішує Держгеокадастр.",
		LateReason: "Звернення надійшло без додатків, чекали на уточнення."}); err != nil {
		t.Fatal(err)
	}
	if err := c.reg.Return(as(c.head), sc.back.ID, "Не зазначено місце проживання.", "Виконавець хворів."); err != nil {
		t.Fatal(err)
	}
	f, b := c.card(t, sc.forward.ID), c.card(t, sc.back.ID)
	if f.Status != registry.StatusForwarded || !f.TermBreach || f.LateReason != "Звернення надійшло без додатків, чекали на уточнення." {
		t.Errorf("the late forward: %s breach %v reason %q", f.Status, f.TermBreach, f.LateReason)
	}
	if b.Status != registry.StatusReturned || !b.TermBreach || b.LateReason != "Виконавець хворів." {
		t.Errorf("the late return: %s breach %v reason %q", b.Status, b.TermBreach, b.LateReason)
	}
	if got := c.auditDetails(t, f.ID, "appeal.forward"); len(got) != 1 {
		t.Errorf("the forward's audit lines: %v", got)
	}
}

func takeInTime(t *testing.T, sc *termScene) {
	c := sc.c
	if c.reg.Late(sc.inTime, registry.StepForward) {
		t.Fatal("the fifth day after receipt is still in time")
	}
	if err := c.reg.Forward(as(c.head), sc.inTime.ID, registry.ForwardInput{Body: "Податкова служба", BodyAddress: "вул. Податкова, 1",
		Letter: "Питання податків.", LateReason: "Непотрібне пояснення"}); err != nil {
		t.Fatal(err)
	}
	if card := c.card(t, sc.inTime.ID); card.TermBreach || card.LateReason != "" {
		t.Errorf("a forward in time: breach %v, reason %q", card.TermBreach, card.LateReason)
	}
}

func showBreaches(t *testing.T, sc *termScene) {
	c := sc.c
	ctx := context.Background()
	list, total, err := c.reg.ListForStaff(ctx, registry.Filter{Breach: true, Sort: registry.SortReceivedAsc})
	if err != nil || total != 2 || !slices.Equal(ids(list), []int64{sc.back.ID, sc.forward.ID}) {
		t.Fatalf("the registry's breaches: %v %d %v", ids(list), total, err)
	}
	d, err := c.reg.DepartmentDashboard(ctx, registry.Filter{})
	if err != nil || d.BreachesTotal != 2 || d.BreachesFrom.Year() != time.Now().In(c.kyiv).Year() {
		t.Fatalf("the dashboard's breaches: %d since %v, %v", d.BreachesTotal, d.BreachesFrom, err)
	}
	r, err := report.Compute(ctx, c.db, c.daysAgo(30), time.Now().In(c.kyiv), c.kyiv)
	if err != nil {
		t.Fatal(err)
	}
	if r.TermBreaches != 2 || r.Appeals != 3 || len(r.Issues) != 0 {
		t.Errorf("the report: %d breaches among %d appeals, issues %v", r.TermBreaches, r.Appeals, r.Issues)
	}
}

// anonymousScene is what the steps of TestAnonymousAppealsAreNeverOverdue share.
type anonymousScene struct {
	c                      *council
	anonLate, anonSoon     *registry.Appeal // anonymous letters received 40 and 27 days ago
	namedLate, namedSoon   *registry.Appeal // their named twins
	anonymousInput         func(received time.Time) registry.RegisterInput
	digestFor, notDigested string
}

// An anonymous appeal is registered but does not enter deadline control (Art. 8): no reminders, never in
// the overdue or due lists, the digest or the report's overdue, until the head takes it under control; the
// registrar may leave it without consideration at once.
func TestAnonymousAppealsAreNeverOverdue(t *testing.T) {
	c := setupCouncil(t)
	anonymous := func(received time.Time) registry.RegisterInput {
		in := staffInput(c.registrar, "mail")
		in.LastName, in.FirstName, in.Address, in.Nature, in.ReceivedAt = "", "", "", registry.NatureAnonymous, received
		return in
	}
	register := func(in registry.RegisterInput) *registry.Appeal {
		a, err := c.reg.RegisterAppeal(as(c.registrar), in)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	sc := &anonymousScene{c: &c, anonymousInput: anonymous,
		anonLate: register(anonymous(c.daysAgo(40))), anonSoon: register(anonymous(c.daysAgo(27))),
		namedLate: c.phoneAppeal(t, c.daysAgo(40)), namedSoon: c.phoneAppeal(t, c.daysAgo(27))}
	steptest.Run(t, sc, []steptest.Step[*anonymousScene]{
		{Name: "registered out of deadline control, with the step to leave it offered", Run: anonymousUncontrolled},
		{Name: "never overdue nor due: lists, dashboard, reminders, digest", Run: anonymousNotInLists},
		{Name: "never overdue in the report", Run: anonymousNotInReport},
		{Name: "the registrar leaves one without consideration at once", Run: leaveAnonymousAtOnce},
		{Name: "the head takes the other under control", Run: takeAnonymousUnderControl},
	})
}

func anonymousUncontrolled(t *testing.T, sc *anonymousScene) {
	c := sc.c
	card := c.card(t, sc.anonLate.ID)
	if !card.Uncontrolled || card.UnderDeadlineControl() || !strings.HasPrefix(card.RegIndex, "БП-") {
		t.Fatalf("an anonymous card: uncontrolled %v, index %s", card.Uncontrolled, card.RegIndex)
	}
	if named := c.card(t, sc.namedLate.ID); named.Uncontrolled || !named.UnderDeadlineControl() {
		t.Fatal("a named appeal is out of control")
	}
	registrar := registry.Viewer{Roles: []string{identity.RoleRegistrar}}
	if got := registry.Steps(card, registrar); !slices.Contains(got, registry.StepAnonymous) {
		t.Errorf("the registrar is not offered to leave it: %v", got)
	}
	if got := registry.Steps(c.card(t, sc.namedLate.ID), registrar); slices.Contains(got, registry.StepAnonymous) {
		t.Errorf("a named appeal offers the anonymous step: %v", got)
	}
}

func anonymousNotInLists(t *testing.T, sc *anonymousScene) {
	c := sc.c
	ctx := context.Background()
	for _, a := range []*registry.Appeal{sc.anonLate, sc.anonSoon, sc.namedLate, sc.namedSoon} {
		if err := c.reg.Assign(as(c.head), a.ID, registry.AssignInput{Resolution: "Розглянути", DepartmentID: c.housing}); err != nil {
			t.Fatal(err)
		}
	}
	if list, _, err := c.reg.ListForStaff(ctx, registry.Filter{Overdue: true}); err != nil || !slices.Equal(ids(list), []int64{sc.namedLate.ID}) {
		t.Errorf("overdue: %v %v", ids(list), err)
	}
	if list, _, err := c.reg.ListForStaff(ctx, registry.Filter{DueWithinDays: 5}); err != nil || !slices.Equal(ids(list), []int64{sc.namedSoon.ID}) {
		t.Errorf("due within 5 days: %v %v", ids(list), err)
	}
	d, err := c.reg.DepartmentDashboard(ctx, registry.Filter{DepartmentID: c.housing})
	if err != nil || d.OverdueTotal != 1 || d.DueSoonTotal != 1 {
		t.Errorf("dashboard: overdue %d, due soon %d, %v", d.OverdueTotal, d.DueSoonTotal, err)
	}
	start := len(c.outbox(t))
	if n, err := c.reg.RemindDeadlines(ctx); err != nil || n != 1 {
		t.Errorf("reminders: %d, %v", n, err)
	}
	now := time.Now().In(c.kyiv)
	if n, err := c.reg.OverdueDigest(ctx, time.Date(now.Year(), now.Month(), now.Day(), 9, 0, 0, 0, c.kyiv)); err != nil || n == 0 {
		t.Fatalf("digest: %d, %v", n, err)
	}
	var digest []struct{ Data string }
	if err := c.db.Table("mail_messages").Select("data").Where("kind = ? AND id > ?", "appeal_overdue_digest", start).
		Find(&digest).Error; err != nil || len(digest) == 0 {
		t.Fatalf("digest rows: %v", err)
	}
	var data struct{ Lines []string }
	if err := json.Unmarshal([]byte(digest[0].Data), &data); err != nil {
		t.Fatal(err)
	}
	if len(data.Lines) != 1 || !strings.HasPrefix(data.Lines[0], sc.namedLate.RegIndex+" ") {
		t.Errorf("the digest lists %v, want only %s", data.Lines, sc.namedLate.RegIndex)
	}
}

func anonymousNotInReport(t *testing.T, sc *anonymousScene) {
	c := sc.c
	r, err := report.Compute(context.Background(), c.db, c.daysAgo(60), time.Now().In(c.kyiv), c.kyiv)
	if err != nil {
		t.Fatal(err)
	}
	if r.Appeals != 4 || r.Overdue != 1 || r.ByNature[registry.NatureAnonymous] != 2 {
		t.Errorf("the report: %d appeals, %d overdue, by nature %v; want 4, 1", r.Appeals, r.Overdue, r.ByNature)
	}
}

func leaveAnonymousAtOnce(t *testing.T, sc *anonymousScene) {
	c := sc.c
	if err := c.reg.LeaveWithoutConsideration(as(c.registrar), sc.anonSoon.ID, registry.Art8Anonymous, ""); codeOf(err) != errs.Forbidden {
		t.Errorf("the registrar on another ground's step: %v", err)
	}
	if err := c.reg.LeaveAnonymous(as(c.registrar), sc.namedSoon.ID, ""); codeOf(err) != errs.Conflict {
		t.Errorf("a named appeal left as anonymous: %v", err)
	}
	if err := c.reg.LeaveAnonymous(as(c.executor), sc.anonSoon.ID, ""); codeOf(err) != errs.Forbidden {
		t.Errorf("an executor leaving it: %v", err)
	}
	if err := c.reg.LeaveAnonymous(as(c.registrar), sc.anonSoon.ID, "Лист без підпису й адреси."); err != nil {
		t.Fatal(err)
	}
	card := c.card(t, sc.anonSoon.ID)
	if card.Status != registry.StatusNotConsidered || card.Result != registry.ResultNotConsidered ||
		!strings.HasPrefix(card.AnswerText, "Анонімне звернення (ст. 8). Лист без підпису й адреси.") || *card.ClosedBy != c.registrar {
		t.Errorf("left: %s %s %q", card.Status, card.Result, card.AnswerText)
	}
	if got := c.auditDetails(t, card.ID, "appeal.not_considered"); len(got) != 1 {
		t.Errorf("audit: %v", got)
	}
}

func takeAnonymousUnderControl(t *testing.T, sc *anonymousScene) {
	c := sc.c
	ctx := context.Background()
	if err := c.reg.TakeUnderControl(as(c.registrar), sc.anonLate.ID, ""); codeOf(err) != errs.Forbidden {
		t.Errorf("a registrar deciding control: %v", err)
	}
	if err := c.reg.TakeUnderControl(as(c.head), sc.namedLate.ID, ""); codeOf(err) != errs.Conflict {
		t.Errorf("a named appeal taken under control again: %v", err)
	}
	if err := c.reg.TakeUnderControl(as(c.head), sc.anonLate.ID, "Йдеться про загрозу життю."); err != nil {
		t.Fatal(err)
	}
	card := c.card(t, sc.anonLate.ID)
	if card.Uncontrolled || !slices.Contains(eventKinds(card), registry.EventControlled) {
		t.Fatalf("taken under control: %v %v", card.Uncontrolled, eventKinds(card))
	}
	list, _, err := c.reg.ListForStaff(ctx, registry.Filter{Overdue: true, Sort: registry.SortReceivedAsc})
	if err != nil || len(list) != 2 {
		t.Errorf("overdue once under control: %v %v", ids(list), err)
	}
	if got := c.auditDetails(t, card.ID, "appeal.control"); len(got) != 1 {
		t.Errorf("audit: %v", got)
	}
}

// repeatScene is what the steps of TestPortalRepeatsAreProposed share.
type repeatScene struct {
	c                    *council
	citizen              int64
	first, second, other *registry.Appeal
}

// A portal e-appeal is checked against the same person's earlier appeals: a second one on the same subject
// is registered as a repeat (or a duplicate while the first is still considered) with its link, and the
// registrar or the head corrects the sign, audited.
func TestPortalRepeatsAreProposed(t *testing.T) {
	c := setupCouncil(t)
	p, err := c.people.SignIn(context.Background(), identity.Claims{Issuer: "i", Subject: "citizen", TaxID: "3000000001",
		LastName: "Коваленко", GivenName: "Олена", Email: "olena@example.org", EmailVerified: true})
	if err != nil {
		t.Fatal(err)
	}
	steptest.Run(t, &repeatScene{c: &c, citizen: p.ID}, []steptest.Step[*repeatScene]{
		{Name: "a first e-appeal is primary; answered on the merits", Run: firstAnswered},
		{Name: "a second on the same subject is a repeat of it, proposed", Run: secondIsRepeat},
		{Name: "another subject is primary; again while it is open, a duplicate", Run: otherSubjects},
		{Name: "the sign is corrected by the registrar, audited", Run: correctTheSign},
	})
}

func (sc *repeatScene) eAppeal(t *testing.T, subject, text string) *registry.Appeal {
	t.Helper()
	in := validInput(sc.citizen)
	in.Questions = []registry.QuestionInput{{SubjectCode: subject, Text: text}}
	a, err := sc.c.reg.RegisterAppeal(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func firstAnswered(t *testing.T, sc *repeatScene) {
	c := sc.c
	sc.first = sc.eAppeal(t, "09", "Немає гарячої води")
	if sc.first.Sign != registry.SignPrimary || sc.first.RelatedAppealID != nil || sc.first.SignProposed {
		t.Fatalf("the first: %s %v %v", sc.first.Sign, sc.first.RelatedAppealID, sc.first.SignProposed)
	}
	if err := c.reg.Assign(as(c.head), sc.first.ID, registry.AssignInput{Resolution: "Розглянути", DepartmentID: c.housing}); err != nil {
		t.Fatal(err)
	}
	q := c.card(t, sc.first.ID).Questions
	if err := c.reg.SubmitReply(as(c.executor), sc.first.ID, registry.ReplyInput{DepartmentID: c.housing,
		Text: "Гаряче водопостачання відновлено.", Results: map[int64]string{q[0].ID: registry.ResultResolved}}); err != nil {
		t.Fatal(err)
	}
	if err := c.reg.ApproveReply(as(c.head), sc.first.ID); err != nil {
		t.Fatal(err)
	}
}

func secondIsRepeat(t *testing.T, sc *repeatScene) {
	c := sc.c
	sc.second = sc.eAppeal(t, "09", "Гарячої води знову немає")
	card := c.card(t, sc.second.ID)
	if card.Sign != registry.SignRepeat || card.RelatedAppealID == nil || *card.RelatedAppealID != sc.first.ID || !card.SignProposed {
		t.Fatalf("the second: %s %v proposed %v, want a repeat of %d", card.Sign, card.RelatedAppealID, card.SignProposed, sc.first.ID)
	}
	rel, found, err := c.reg.Related(context.Background(), card)
	if err != nil || !found || rel.RegIndex != sc.first.RegIndex || !registry.OnTheMerits(rel.Result) {
		t.Errorf("the related appeal: %+v %v %v", rel, found, err)
	}
	if got := c.auditDetails(t, card.ID, "appeal.register"); len(got) != 1 || !strings.Contains(got[0], "sign=repeat") ||
		!strings.Contains(got[0], "proposed") {
		t.Errorf("registration audit: %v", got)
	}
}

func otherSubjects(t *testing.T, sc *repeatScene) {
	sc.other = sc.eAppeal(t, "10", "Квартирний облік")
	if sc.other.Sign != registry.SignPrimary || sc.other.RelatedAppealID != nil {
		t.Fatalf("another subject: %s %v", sc.other.Sign, sc.other.RelatedAppealID)
	}
	dup := sc.eAppeal(t, "10", "Квартирний облік, ще раз")
	if dup.Sign != registry.SignDuplicate || dup.RelatedAppealID == nil || *dup.RelatedAppealID != sc.other.ID || !dup.SignProposed {
		t.Errorf("the same again while it is open: %s %v, want a duplicate of %d", dup.Sign, dup.RelatedAppealID, sc.other.ID)
	}
}

func correctTheSign(t *testing.T, sc *repeatScene) {
	c := sc.c
	id := sc.second.ID
	for _, tc := range []struct {
		name    string
		who     int64
		sign    string
		related *int64
		code    errs.Code
	}{
		{"an executor", c.executor, registry.SignPrimary, nil, errs.Forbidden},
		{"a repeat of nothing", c.registrar, registry.SignRepeat, nil, errs.Invalid},
		{"a first appeal with a link", c.registrar, registry.SignPrimary, &sc.first.ID, errs.Invalid},
		{"a sign outside the classifier", c.registrar, "echo", nil, errs.Invalid},
		{"a repeat of itself", c.registrar, registry.SignRepeat, &id, errs.Invalid},
		{"a repeat of a later appeal", c.registrar, registry.SignRepeat, &sc.other.ID, errs.Invalid},
	} {
		if err := c.reg.CorrectSign(as(tc.who), id, tc.sign, tc.related); codeOf(err) != tc.code {
			t.Errorf("%s: %v, want %s", tc.name, err, tc.code)
		}
	}
	if err := c.reg.CorrectSign(as(c.registrar), id, registry.SignDuplicate, &sc.first.ID); err != nil {
		t.Fatal(err)
	}
	card := c.card(t, id)
	if card.Sign != registry.SignDuplicate || *card.RelatedAppealID != sc.first.ID || card.SignProposed {
		t.Fatalf("corrected: %s %v proposed %v", card.Sign, card.RelatedAppealID, card.SignProposed)
	}
	last := card.Events[len(card.Events)-1]
	if last.Kind != registry.EventSignCorrected || last.Note != "Дублетне ("+sc.first.RegIndex+")" || *last.ActorPersonID != c.registrar {
		t.Errorf("the timeline: %+v", last)
	}
	if got := c.auditDetails(t, id, "appeal.sign"); len(got) != 1 || !strings.Contains(got[0], "sign=repeat→duplicate") {
		t.Errorf("audit: %v", got)
	}
	// Confirming it as it stands is recorded too; a closed appeal's sign may still be put right.
	if err := c.reg.CorrectSign(as(c.head), id, registry.SignDuplicate, &sc.first.ID); err != nil {
		t.Fatal(err)
	}
	if err := c.reg.CorrectSign(as(c.head), sc.first.ID, registry.SignPrimary, nil); err != nil {
		t.Errorf("the answered first appeal: %v", err)
	}
	if kinds := eventKinds(c.card(t, id)); kinds[len(kinds)-1] != registry.EventSignConfirmed {
		t.Errorf("confirmed: %v", kinds)
	}
	// The author follows the case, not the registry's record of it.
	own, err := c.reg.AppealOfPerson(context.Background(), sc.citizen, id)
	if err != nil {
		t.Fatal(err)
	}
	if kinds := eventKinds(own); !slices.Equal(kinds, []string{registry.EventRegistered}) {
		t.Errorf("the author's timeline: %v", kinds)
	}
}

// A due date on a day off is flagged; the council keeps it or ends the term on the working day before,
// never later, for every term counted from receipt.
func TestDueDateOnADayOff(t *testing.T) {
	gdb := dbtest.Open(t)
	ordinary, err := calendar.Load(false)
	if err != nil {
		t.Fatal(err)
	}
	martial, err := calendar.Load(true)
	if err != nil {
		t.Fatal(err)
	}
	at := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	received := func(reg *registry.Service, kyiv *time.Location, day time.Time) *registry.Appeal {
		in := staffInput(1, "mail")
		in.RegisteredBy = nil
		in.ReceivedAt = time.Date(day.Year(), day.Month(), day.Day(), 10, 0, 0, 0, kyiv)
		a, err := reg.RegisterAppeal(context.Background(), in)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	for _, tc := range []struct {
		name     string
		cal      *calendar.Calendar
		policy   string
		received time.Time
		due      time.Time
		dayOff   bool
	}{
		// 2026-08-24 (Independence Day) is a Monday; 2026-08-22 a Saturday.
		{"kept on a Saturday", martial, registry.DueKeep, at(2026, 7, 23), at(2026, 8, 22), true},
		{"a Saturday brought to Friday", martial, registry.DueEarlier, at(2026, 7, 23), at(2026, 8, 21), false},
		{"a holiday under martial law is a working day", martial, registry.DueEarlier, at(2026, 7, 25), at(2026, 8, 24), false},
		{"a holiday brought back over the weekend", ordinary, registry.DueEarlier, at(2026, 7, 25), at(2026, 8, 21), false},
		{"a holiday kept", ordinary, "", at(2026, 7, 25), at(2026, 8, 24), true},
		{"no calendar: nothing flagged", nil, registry.DueEarlier, at(2026, 7, 23), at(2026, 8, 22), false},
	} {
		reg, kyiv := newRegistry(t, gdb, registry.Options{IndexPattern: "{letter}-{seq}/{yy}",
			Calendar: tc.cal, DueOnDayOff: tc.policy})
		a := received(reg, kyiv, tc.received)
		if !a.DueDate.Equal(tc.due) || reg.DueOnDayOff(a) != tc.dayOff {
			t.Errorf("%s: due %s, day off %v; want %s, %v", tc.name, a.DueDate.Format(time.DateOnly), reg.DueOnDayOff(a),
				tc.due.Format(time.DateOnly), tc.dayOff)
		}
		if tc.policy == registry.DueEarlier && tc.cal != nil {
			if last := reg.MaxDue(a); !tc.cal.IsWorkingDay(last) || last.After(registry.DueDate(tc.received, registry.MaxTermDays)) {
				t.Errorf("%s: the 45-day cap %s", tc.name, last.Format(time.DateOnly))
			}
		}
	}
}
