package admin

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/hromada/hromada/internal/paper"
	"github.com/hromada/hromada/internal/registry"
)

// rkkRows are the fields of the registration-control card (реєстраційно-контрольна картка, instruction
// 348) of an appeal, in Ukrainian: the card is an office document whatever language the page is read in.
func (h *handlers) rkkRows(c *fiber.Ctx, a *registry.Appeal) ([][2]string, error) {
	ctx := c.UserContext()
	l := h.web.Texts("uk")
	const uk = "uk"
	clf := h.Classifier
	deps, err := h.Departments.List(ctx, false)
	if err != nil {
		return nil, err
	}
	names := departmentNames(deps, uk)
	var ids []int64
	for _, p := range []*int64{a.ResolutionBy, a.ExecutorID, a.ClosedBy} {
		if p != nil {
			ids = append(ids, *p)
		}
	}
	people, err := h.People.Names(ctx, ids)
	if err != nil {
		return nil, err
	}
	letters, err := h.Registry.LettersOf(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	day := func(t time.Time) string { return t.In(h.Timezone).Format("02.01.2006") }
	datetime := func(t time.Time) string { return t.In(h.Timezone).Format("02.01.2006 15:04") }
	orDash := func(s string) string {
		if strings.TrimSpace(s) == "" {
			return "—"
		}
		return s
	}
	var resolutionAt, extensions []string
	for _, e := range a.Events {
		switch e.Kind {
		case registry.EventAssigned:
			resolutionAt = []string{day(e.OccurredAt)}
		case registry.EventExtended:
			extensions = append(extensions, day(e.OccurredAt)+": "+e.Note)
		}
	}
	var questions, results []string
	for _, q := range a.Questions {
		questions = append(questions, fmt.Sprintf("%d. %s %s%s", q.Position, q.SubjectCode, clf.Subjects.Name(q.SubjectCode, uk), prefixed(": ", q.Text)))
		res := "—"
		if q.Result != "" {
			res = clf.Results.Name(q.Result, uk)
		}
		results = append(results, fmt.Sprintf("%d. %s", q.Position, res))
	}
	var categories []string
	for _, code := range a.CategoryCodes() {
		categories = append(categories, clf.Categories.Name(code, uk))
	}
	var co []string
	for _, ce := range a.CoExecutors {
		co = append(co, names[ce.DepartmentID])
	}
	var outgoing []string
	for _, lt := range letters {
		outgoing = append(outgoing, fmt.Sprintf("%s від %s — %s", lt.OutNumber, lt.OutDate.Format("02.01.2006"), l.T("letter.kind."+lt.Kind)))
	}
	channel := clf.Channels.Name(a.Channel, uk) + prefixed(", ", a.ExternalRef)
	nature := clf.Natures.Name(a.Nature, uk)
	if a.Nature == registry.NatureCollective {
		nature += fmt.Sprintf(" (%d)", a.Signers)
	}
	sign := clf.Signs.Name(a.Sign, uk)
	if a.RelatedAppealID != nil {
		if idx, err := h.Registry.RelatedIndex(ctx, *a.RelatedAppealID); err == nil && idx != "" {
			sign += " (" + idx + ")"
		}
	}
	control := l.T("rkk.on_control")
	removed := "—"
	if a.AnsweredAt != nil {
		control = l.T("rkk.off_control")
		removed = day(*a.AnsweredAt) + prefixed(", ", people[derefID(a.ClosedBy)])
	}
	resolution := "—"
	if a.Resolution != "" {
		resolution = a.Resolution + prefixed(" — ", people[derefID(a.ResolutionBy)]) + prefixed(", ", strings.Join(resolutionAt, ""))
	}
	answer := "—"
	if a.AnsweredAt != nil && a.Status == registry.StatusAnswered {
		answer = day(*a.AnsweredAt) + prefixed(", № ", a.AnswerOutNumber)
	}
	place := "—"
	if a.SettlementID != nil {
		st, err := h.Settlements.Get(ctx, *a.SettlementID)
		if err != nil {
			return nil, err
		}
		place = st.Name(uk)
	}
	return [][2]string{
		{l.T("rkk.received"), datetime(a.ReceivedAt)},
		{l.T("rkk.index"), a.RegIndex},
		{l.T("rkk.registered"), datetime(a.CreatedAt)},
		{l.T("rkk.channel"), channel},
		{l.T("rkk.document_kind"), l.T("appeal.doc_kind." + a.DocumentKind)},
		{l.T("rkk.sign"), sign},
		{l.T("rkk.type"), clf.Types.Name(a.Type, uk)},
		{l.T("rkk.nature"), nature},
		{l.T("rkk.author"), orDash(a.AuthorName())},
		{l.T("rkk.address"), orDash(a.AuthorAddress)},
		{l.T("rkk.settlement"), place},
		{l.T("rkk.contacts"), orDash(strings.Trim(a.AuthorPhone+", "+a.AuthorEmail, ", "))},
		{l.T("rkk.gender"), orDash(clf.Genders.Name(a.AuthorGender, uk))},
		{l.T("rkk.categories"), orDash(strings.Join(categories, "; "))},
		{l.T("rkk.social_status"), orDash(clf.SocialStatuses.Name(a.AuthorSocialStatus, uk))},
		{l.T("rkk.questions"), strings.Join(questions, "\n")},
		{l.T("rkk.summary"), a.Summary},
		{l.T("rkk.resolution"), resolution},
		{l.T("rkk.lead"), orDash(names[derefID(a.DepartmentID)]) + prefixed(" — ", people[derefID(a.ExecutorID)])},
		{l.T("rkk.co_executors"), orDash(strings.Join(co, "; "))},
		{l.T("rkk.due"), a.DueDate.Format("02.01.2006")},
		{l.T("rkk.extensions"), orDash(strings.Join(extensions, "\n"))},
		{l.T("rkk.control"), control},
		{l.T("rkk.results"), strings.Join(results, "\n")},
		{l.T("rkk.answer"), answer},
		{l.T("rkk.letters"), orDash(strings.Join(outgoing, "\n"))},
		{l.T("rkk.removed"), removed},
		{l.T("rkk.case"), orDash(h.CaseIndex)},
	}, nil
}

func prefixed(prefix, s string) string {
	if s == "" {
		return ""
	}
	return prefix + s
}

// rkk is the registration-control card as a page to print.
func (h *handlers) rkk(c *fiber.Ctx) error {
	a, err := h.cardAppeal(c)
	if err != nil {
		return err
	}
	rows, err := h.rkkRows(c, a)
	if err != nil {
		return err
	}
	return c.Render("admin/rkk", fiber.Map{"L": h.web.Texts("uk"), "Lang": "uk", "Council": h.Council.UK,
		"Title": h.web.Texts("uk").T("rkk.title") + " " + a.RegIndex, "Appeal": a, "Rows": rows})
}

// rkkPDF is the registration-control card as PDF.
func (h *handlers) rkkPDF(c *fiber.Ctx) error {
	a, err := h.cardAppeal(c)
	if err != nil {
		return err
	}
	rows, err := h.rkkRows(c, a)
	if err != nil {
		return err
	}
	card := paper.Card{Council: h.Council.UK, Title: h.web.Texts("uk").T("rkk.title") + " " + a.RegIndex, Rows: rows}
	return sendPDF(c, fmt.Sprintf("rkk-%d.pdf", a.ID), func(b *bytes.Buffer) error { return paper.WriteCard(b, card) })
}

// receipt is what the registrar prints for a visitor at the desk: the index, the dates, the deadline and
// how to follow the appeal.
func (h *handlers) receipt(c *fiber.Ctx) error {
	a, err := h.cardAppeal(c)
	if err != nil {
		return err
	}
	return c.Render("admin/receipt", fiber.Map{"L": h.web.Texts("uk"), "Lang": "uk", "Council": h.Council.UK,
		"Title": h.web.Texts("uk").T("receipt.title") + " " + a.RegIndex, "Appeal": a, "StatusURL": h.StatusURL,
		"Registrar": h.registrarName(c, a)})
}

// registrarName names who registered the appeal (the first event's actor), for the receipt's signature.
func (h *handlers) registrarName(c *fiber.Ctx, a *registry.Appeal) string {
	if len(a.Events) == 0 || a.Events[0].ActorPersonID == nil {
		return ""
	}
	names, err := h.People.Names(c.UserContext(), []int64{*a.Events[0].ActorPersonID})
	if err != nil {
		return ""
	}
	return names[*a.Events[0].ActorPersonID]
}
