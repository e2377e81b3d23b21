package admin

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/hromada/hromada/internal/department"
	"github.com/hromada/hromada/internal/errs"
	"github.com/hromada/hromada/internal/form"
	"github.com/hromada/hromada/internal/identity"
	"github.com/hromada/hromada/internal/registry"
	"github.com/hromada/hromada/internal/settlement"
	"github.com/hromada/hromada/internal/web"
)

// executorScope tells whether the visitor sees only their own department's appeals: executors do;
// registrars, heads, analysts and admins see the whole registry. An executor placed in no department
// sees nothing.
func (h *handlers) executorScope(c *fiber.Ctx) (scoped bool, department int64, err error) {
	if web.HasRole(c, identity.RoleRegistrar, identity.RoleHead, identity.RoleAnalyst, identity.RoleAdmin) {
		return false, 0, nil
	}
	department, err = h.People.DepartmentOf(c.UserContext(), personID(c))
	return true, department, err
}

// visibleAppealID is the request's :id when the visitor may see that appeal: an executor asking for
// another department's appeal gets 404, as if it did not exist.
func (h *handlers) visibleAppealID(c *fiber.Ctx) (int64, error) {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return 0, err
	}
	scoped, dept, err := h.executorScope(c)
	if err != nil {
		return 0, err
	}
	if scoped {
		ok, err := h.Registry.InScope(c.UserContext(), id, dept)
		if err != nil {
			return 0, err
		}
		if !ok {
			return 0, errs.New(errs.NotFound, "error.not_found")
		}
	}
	return id, nil
}

// cardAppeal loads the card of the request's :id as the visitor may see it; opening it is logged.
func (h *handlers) cardAppeal(c *fiber.Ctx) (*registry.Appeal, error) {
	id, err := h.visibleAppealID(c)
	if err != nil {
		return nil, err
	}
	return h.Registry.AppealForStaff(c.UserContext(), id)
}

// appealCard is the registration card of one appeal with the steps the visitor's role may take.
func (h *handlers) appealCard(c *fiber.Ctx) error {
	a, err := h.cardAppeal(c)
	if err != nil {
		return err
	}
	return h.renderCard(c, a, "", nil)
}

// cardForm is what a refused step's form had, to show it again.
type cardForm map[string]string

// renderCard shows the card with the steps the registry lets the visitor take (registry.Steps); action
// and fields name a refused step and its problems.
func (h *handlers) renderCard(c *fiber.Ctx, a *registry.Appeal, action string, fields map[string]string) error {
	ctx := c.UserContext()
	lang := web.LangOf(c)
	deps, err := h.Departments.List(ctx, false)
	if err != nil {
		return err
	}
	names := departmentNames(deps, lang)
	replies, err := h.Registry.Replies(ctx, a.ID)
	if err != nil {
		return err
	}
	people, err := h.cardPeople(ctx, a, replies)
	if err != nil {
		return err
	}
	viewer, err := h.viewer(c)
	if err != nil {
		return err
	}
	steps := registry.Steps(a, viewer)
	can := func(st registry.Step) bool { return slices.Contains(steps, st) }
	var co []string
	for _, ce := range a.CoExecutors {
		co = append(co, names[ce.DepartmentID])
	}
	justRegistered, err := web.TakeFlash(c, registeredFlash)
	if err != nil {
		return err
	}
	data := fiber.Map{
		"Title":          a.RegIndex,
		"Appeal":         a,
		"JustRegistered": justRegistered,
		"Deadline":       h.Registry.DeadlineOf(a),
		"Department":     names[derefID(a.DepartmentID)],
		"CoExecutors":    strings.Join(co, "; "),
		"People":         people,
		"ResolutionBy":   people[derefID(a.ResolutionBy)],
		"Executor":       people[derefID(a.ExecutorID)],
		"ClosedBy":       people[derefID(a.ClosedBy)],
		"Actors":         eventActors(a, people),
		"Replies":        replies,
		"ReplyLines":     h.replyLines(a, replies, lang),
		"Types":          h.Classifier.Types,
		"Natures":        h.Classifier.Natures,
		"Signs":          h.Classifier.Signs,
		"Subjects":       h.Classifier.Subjects,
		"Channels":       h.Classifier.Channels,
		"Categories":     h.Classifier.Categories,
		"SocialStatuses": h.Classifier.SocialStatuses,
		"Genders":        h.Classifier.Genders,
		"Results":        h.Classifier.Results,
		"Art8Reasons":    h.Classifier.Art8Reasons,
		"ReplyResults":   registry.ReplyResults,
		"ForwardDue":     h.Registry.ForwardDue(a),
		"ReturnDue":      h.Registry.ReturnDue(a),
		"MaxDue":         h.Registry.MaxDue(a),
		"ForwardLate":    h.Registry.Late(a, registry.StepForward),
		"ReturnLate":     h.Registry.Late(a, registry.StepReturn),
		"DueOnDayOff":    h.Registry.DueOnDayOff(a),
		// The template's groups of forms: routing (resolution, forwarding, return), control (extension,
		// leaving without consideration), review, reply, print. Each group's steps share one rule.
		"CanRoute":        can(registry.StepAssign),
		"CanExtend":       can(registry.StepExtend),
		"CanApprove":      can(registry.StepApprove),
		"CanReply":        can(registry.StepReply),
		"CanPrint":        can(registry.StepPrint),
		"CoverDeliveries": registry.CoverDeliveries,
		// Issue 12's steps: an anonymous appeal left at once or taken under control, the sign put right.
		"CanAnonymous": can(registry.StepAnonymous),
		"CanControl":   can(registry.StepControl),
		"CanSign":      can(registry.StepSign),
		"Action":       action,
		"Errors":       fields,
		"Form":         h.postedForm(c, action),
	}
	if err := h.cardSign(c, a, can(registry.StepSign), data); err != nil {
		return err
	}
	letters, err := h.Registry.LettersOf(ctx, a.ID)
	if err != nil {
		return err
	}
	data["Letters"] = len(letters)
	// The author's view of the answer (issue 17): staff see whether it satisfied them.
	if data["Rating"], data["HasRating"], err = h.Registry.RatingOf(ctx, a.ID); err != nil {
		return err
	}
	if err := h.cardSettlement(c, a, can(registry.StepSettlement), data); err != nil {
		return err
	}
	if a.PersonID == nil && a.Nature != registry.NatureAnonymous { // why the author's account lacks it
		if data["NotLinked"], err = h.People.UnlinkedReason(ctx, a.AuthorEmail, a.AuthorLastName, a.AuthorFirstName); err != nil {
			return err
		}
	}
	if can(registry.StepAssign) {
		executors, err := h.People.ExecutorsByDepartment(ctx)
		if err != nil {
			return err
		}
		var active []department.Department // routing offers only the departments that still exist
		for _, d := range deps {
			if d.Active {
				active = append(active, d)
			}
		}
		data["Executors"] = executors
		data["DeptNames"] = names
		data["ActiveDepts"] = active
	}
	return c.Render("admin/appeal_card", data)
}

// cardSign adds what the card shows of the sign of receipt: the earlier appeal it points at, the hint at
// Art. 8 when that one was answered on the merits (and the leave form's ground chosen accordingly), and,
// for those who may correct the sign, the author's earlier appeals to choose from.
func (h *handlers) cardSign(c *fiber.Ctx, a *registry.Appeal, canSign bool, data fiber.Map) error {
	ctx := c.UserContext()
	related, found, err := h.Registry.Related(ctx, a)
	if err != nil {
		return err
	}
	merits := found && a.Sign == registry.SignRepeat && registry.OnTheMerits(related.Result)
	data["Related"], data["HasRelated"], data["OnTheMerits"] = related, found, merits
	switch {
	case a.Nature == registry.NatureAnonymous:
		data["LeaveGround"] = registry.Art8Anonymous
	case merits:
		data["LeaveGround"] = registry.Art8RepeatResolved
	}
	if !canSign {
		return nil
	}
	earlier, err := h.Registry.EarlierAppeals(ctx, registry.AuthorQuery{PersonID: a.PersonID, LastName: a.AuthorLastName,
		FirstName: a.AuthorFirstName, Patronymic: a.AuthorPatronymic, Address: a.AuthorAddress, Except: a.ID,
		Received: a.ReceivedAt})
	if err != nil {
		return err
	}
	if found && !slices.ContainsFunc(earlier, func(e registry.EarlierAppeal) bool { return e.ID == related.ID }) {
		earlier = append([]registry.EarlierAppeal{related}, earlier...) // chosen by hand among no author's list
	}
	data["Earlier"] = earlier
	data["SignChosen"] = signValue(a.Sign, a.RelatedAppealID)
	return nil
}

// signValue is a sign of receipt as the forms' radio groups carry it: "primary", or "repeat:ID" and
// "duplicate:ID" naming the earlier appeal, so the two can never disagree.
func signValue(sign string, related *int64) string {
	if related == nil {
		return sign
	}
	return sign + ":" + strconv.FormatInt(*related, 10)
}

// parseSign splits a sign as signValue writes it into the sign and the earlier appeal it points at.
func parseSign(v string) (string, *int64) {
	kind, id, found := strings.Cut(v, ":")
	if !found {
		return kind, nil
	}
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n <= 0 {
		return kind, nil // refused by the registry as a repeat without its earlier appeal
	}
	return kind, &n
}

// cardSettlement names the author's settlement on the card and, for those who may correct it, offers the
// active settlements.
func (h *handlers) cardSettlement(c *fiber.Ctx, a *registry.Appeal, canSettle bool, data fiber.Map) error {
	data["CanSettle"] = canSettle
	if a.SettlementID != nil {
		st, err := h.Settlements.Get(c.UserContext(), *a.SettlementID)
		if err != nil {
			return err
		}
		data["Settlement"], data["SettlementCode"] = st.Name(web.LangOf(c)), st.Code()
	}
	if err := h.cardPlace(c, a, data); err != nil {
		return err
	}
	if canSettle {
		active, err := h.Settlements.List(c.UserContext(), true)
		if err != nil {
			return err
		}
		data["SettlementChoices"] = settlement.Choices(active)
	}
	return nil
}

// setAppealSettlement corrects the author's settlement (registrars, admins): one of the active settlements,
// or none ("не визначено"). The registry decides whether the step is open (StepSettlement).
func (h *handlers) setAppealSettlement(c *fiber.Ctx) error {
	id, err := h.visibleAppealID(c)
	if err != nil {
		return err
	}
	r, err := web.ReadForm(c)
	if err != nil {
		return err
	}
	active, err := h.Settlements.List(c.UserContext(), true)
	if err != nil {
		return err
	}
	choice := settlementChoice(r, "settlement", settlement.Choices(active))
	if problems := r.Problems(); len(problems) > 0 {
		return h.afterStep(c, id, "settlement", errs.Validation{"settlement": "settlement.error.choose"}.Err())
	}
	return h.afterStep(c, id, "settlement", h.Registry.SetSettlement(c.UserContext(), id, choice))
}

// viewer is the visitor as the registry's step rules see them: their roles and, for an executor (only
// the lead department's executor replies), their department.
func (h *handlers) viewer(c *fiber.Ctx) (registry.Viewer, error) {
	v := registry.Viewer{Roles: web.RolesOf(c)}
	if !web.HasRole(c, identity.RoleExecutor) {
		return v, nil
	}
	var err error
	v.Department, err = h.People.DepartmentOf(c.UserContext(), personID(c))
	return v, err
}

// cardPeople names everyone on the card in one query: the timeline's actors, the resolution's author,
// the executor, who closed the appeal, the replies' authors.
func (h *handlers) cardPeople(ctx context.Context, a *registry.Appeal, replies []registry.Reply) (map[int64]string, error) {
	var ids []int64
	for _, e := range a.Events {
		if e.ActorPersonID != nil {
			ids = append(ids, *e.ActorPersonID)
		}
	}
	for _, p := range []*int64{a.ResolutionBy, a.ExecutorID, a.ClosedBy} {
		if p != nil {
			ids = append(ids, *p)
		}
	}
	for _, r := range replies {
		ids = append(ids, r.AuthorPersonID)
	}
	return h.People.Names(ctx, ids)
}

// eventActors names the person behind each timeline event, by event id.
func eventActors(a *registry.Appeal, people map[int64]string) map[int64]string {
	actors := map[int64]string{}
	for _, e := range a.Events {
		if e.ActorPersonID != nil {
			actors[e.ID] = people[*e.ActorPersonID]
		}
	}
	return actors
}

// replyLines gives each reply's results, question by question in the appeal's order.
func (h *handlers) replyLines(a *registry.Appeal, replies []registry.Reply, lang string) map[int64][]string {
	lines := map[int64][]string{}
	for _, r := range replies {
		byQuestion := map[int64]string{}
		for _, res := range r.Results {
			byQuestion[res.QuestionID] = res.Result
		}
		for _, q := range a.Questions {
			if res, ok := byQuestion[q.ID]; ok {
				lines[r.ID] = append(lines[r.ID], fmt.Sprintf("%d. %s — %s", q.Position,
					h.Classifier.Subjects.Name(q.SubjectCode, lang), h.Classifier.Results.Name(res, lang)))
			}
		}
	}
	return lines
}

// postedForm keeps what a refused step's form had, cleaned as the edge cleans it; for a fresh card the
// assignment form starts from the appeal's current routing.
func (h *handlers) postedForm(c *fiber.Ctx, action string) cardForm {
	f := cardForm{}
	if action == "" {
		return f
	}
	values, _, err := web.FormWithFiles(c, "attachments")
	if err != nil {
		return f
	}
	for key, vs := range values {
		for _, v := range vs {
			v, _ = form.Check(v, true, 0)
			if key == "co_executors" {
				f["co_"+v] = "on"
				continue
			}
			if _, seen := f[key]; !seen {
				f[key] = v
			}
		}
	}
	return f
}

// routeAppeal takes one of the head's steps: resolution, forwarding, return, leaving without
// consideration, extension, approval of a reply or sending it back, taking an anonymous appeal under
// control.
func (h *handlers) routeAppeal(c *fiber.Ctx) error { return h.takeStep(c, c.Params("action")) }

// correctSign puts the sign of receipt right (a registrar or a head).
func (h *handlers) correctSign(c *fiber.Ctx) error { return h.takeStep(c, string(registry.StepSign)) }

// leaveAnonymous leaves an anonymous appeal without consideration (a registrar or a head).
func (h *handlers) leaveAnonymous(c *fiber.Ctx) error {
	return h.takeStep(c, string(registry.StepAnonymous))
}

// takeStep takes a step of the card. The form is read and checked at the edge first; a value that cannot
// be read refuses the step with the problem beside its field.
func (h *handlers) takeStep(c *fiber.Ctx, action string) error {
	id, err := h.visibleAppealID(c)
	if err != nil {
		return err
	}
	r, err := web.ReadForm(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	text := func(field string) string { return r.Text(field, form.MaxText) }
	var step func() error
	switch action {
	case "assign":
		in := registry.AssignInput{Resolution: text("resolution"), Simple: r.Flag("simple"),
			DepartmentID: r.ID("department"), ExecutorID: r.ID("executor")}
		for _, v := range r.Lines("co_executors", 40) {
			if n, err := strconv.ParseInt(v, 10, 64); err == nil {
				in.CoExecutors = append(in.CoExecutors, n)
			}
		}
		step = func() error { return h.Registry.Assign(ctx, id, in) }
	case "forward":
		in := registry.ForwardInput{Body: text("body"), BodyAddress: text("body_address"), Letter: text("letter"),
			CoverDelivery: r.Code("cover_delivery", form.In(registry.CoverDeliveries...)), LateReason: text("late_reason")}
		step = func() error { return h.Registry.Forward(ctx, id, in) }
	case "return":
		explanation, late := text("explanation"), text("late_reason")
		step = func() error { return h.Registry.Return(ctx, id, explanation, late) }
	case "leave":
		reason, note := r.Line("reason", form.MaxLine), text("note")
		step = func() error { return h.Registry.LeaveWithoutConsideration(ctx, id, reason, note) }
	case "extend":
		due, reason := r.Date("due"), text("reason")
		if _, bad := r.Problems()["due"]; bad || due.IsZero() {
			r.Problems()["due"] = "routing.error.due"
		}
		step = func() error { return h.Registry.Extend(ctx, id, due, reason) }
	case "approve":
		step = func() error { return h.Registry.ApproveReply(ctx, id) }
	case "send_back":
		note := text("note")
		step = func() error { return h.Registry.SendBack(ctx, id, note) }
	case string(registry.StepControl):
		note := text("note")
		step = func() error { return h.Registry.TakeUnderControl(ctx, id, note) }
	case string(registry.StepAnonymous):
		note := text("note")
		step = func() error { return h.Registry.LeaveAnonymous(ctx, id, note) }
	case string(registry.StepSign):
		sign, related := parseSign(r.Line("sign", form.MaxLine))
		step = func() error { return h.Registry.CorrectSign(ctx, id, sign, related) }
	default:
		return errs.New(errs.NotFound, "error.not_found")
	}
	if err := r.Problems().Err(); err != nil {
		return h.afterStep(c, id, action, err)
	}
	return h.afterStep(c, id, action, step())
}

// submitReply stores an executor's draft reply with its files and per-question results.
func (h *handlers) submitReply(c *fiber.Ctx) error {
	id, err := h.visibleAppealID(c)
	if err != nil {
		return err
	}
	values, files, err := web.FormWithFiles(c, "attachments")
	if err != nil {
		return err
	}
	dept, err := h.People.DepartmentOf(c.UserContext(), personID(c))
	if err != nil {
		return err
	}
	r := form.New(values)
	in := registry.ReplyInput{DepartmentID: dept, Text: r.Text("text", form.MaxText),
		Results: map[int64]string{}, Attachments: files}
	for k := range values { // result_<question id>: the domain checks every question has one
		if qid, ok := strings.CutPrefix(k, "result_"); ok {
			if n, err := strconv.ParseInt(qid, 10, 64); err == nil {
				in.Results[n] = r.Line(k, form.MaxLine)
			}
		}
	}
	if err := r.Problems().Err(); err != nil {
		return h.afterStep(c, id, "reply", err)
	}
	return h.afterStep(c, id, "reply", h.Registry.SubmitReply(c.UserContext(), id, in))
}

// afterStep answers a step: back to the card with a message, or the card again with the refused
// form and its problems.
func (h *handlers) afterStep(c *fiber.Ctx, id int64, action string, err error) error {
	if e := errs.As(err, errs.Invalid, errs.Conflict); e != nil {
		fields := e.Fields
		if e.Code == errs.Conflict {
			fields = map[string]string{"step": e.Message}
		}
		a, err := h.Registry.AppealForStaff(c.UserContext(), id) // the card shown again: an opening like any other
		if err != nil {
			return err
		}
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderCard(c, a, action, fields)
	}
	if err != nil {
		return err
	}
	to := "/admin/appeals/" + strconv.FormatInt(id, 10)
	if slices.Contains(writesToAuthor, action) {
		return h.told(c, id, "routing.done."+action, to)
	}
	return h.web.Done(c, "routing.done."+action, to)
}

// writesToAuthor are the steps that make a letter to the author: their message says how it went.
var writesToAuthor = []string{"forward", "return", "leave", "extend", "approve"}

// replyPrint is the approved reply as a page to print and post, for appeals that came on paper or
// by telephone.
func (h *handlers) replyPrint(c *fiber.Ctx) error {
	a, err := h.cardAppeal(c)
	if err != nil {
		return err
	}
	viewer, err := h.viewer(c)
	if err != nil {
		return err
	}
	if !slices.Contains(registry.Steps(a, viewer), registry.StepPrint) { // only an approved reply is a letter
		return errs.New(errs.NotFound, "error.not_found")
	}
	replies, err := h.Registry.Replies(c.UserContext(), a.ID)
	if err != nil {
		return err
	}
	var signer string
	if a.ClosedBy != nil {
		names, err := h.People.Names(c.UserContext(), []int64{*a.ClosedBy})
		if err != nil {
			return err
		}
		signer = names[*a.ClosedBy]
	}
	var files []registry.Attachment
	for _, r := range replies {
		if r.State == registry.ReplyApproved {
			files = r.Attachments
			break
		}
	}
	// The letter is in the state language whatever language the staff member reads the site in.
	return c.Render("admin/reply_print", fiber.Map{
		"L": h.web.Texts("uk"), "Lang": "uk", "Council": h.Council.UK,
		"Title": a.RegIndex, "Appeal": a, "Signer": signer, "Files": files,
		"Subjects": h.Classifier.Subjects, "Results": h.Classifier.Results,
	})
}

func derefID(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

// appealAttachment sends a file of an appeal (or of one of its replies) as a download, never inline.
func (h *handlers) appealAttachment(c *fiber.Ctx) error {
	fileID, err := web.ParamID(c, "file")
	if err != nil {
		return err
	}
	id, err := h.visibleAppealID(c)
	if err != nil {
		return err
	}
	att, f, err := h.Registry.AttachmentForStaff(c.UserContext(), id, fileID)
	if err != nil {
		return err
	}
	return web.SendDownload(c, att.FileName, att.ContentType, att.SizeBytes, f)
}

// cardPlace shows where the problem is, when the appeal places it (a city app's report through
// Open311): the address, the point with a link to the map, the settlement matched and the service.
func (h *handlers) cardPlace(c *fiber.Ctx, a *registry.Appeal, data fiber.Map) error {
	lang := web.LangOf(c)
	if a.PlaceLatitude != nil && a.PlaceLongitude != nil {
		lat, lon := *a.PlaceLatitude, *a.PlaceLongitude
		data["PlacePoint"] = fmt.Sprintf("%.6f, %.6f", lat, lon)
		data["PlaceMap"] = fmt.Sprintf("https://www.openstreetmap.org/?mlat=%.6f&mlon=%.6f#map=18/%.6f/%.6f", lat, lon, lat, lon)
	}
	if a.PlaceSettlementID != nil {
		st, err := h.Settlements.Get(c.UserContext(), *a.PlaceSettlementID)
		if err != nil {
			return err
		}
		data["PlaceSettlement"] = st.Name(lang)
	}
	if a.ServiceCode != "" {
		data["PlaceService"] = a.ServiceCode
		list, err := h.Services.List(c.UserContext(), false)
		if err != nil {
			return err
		}
		for _, s := range list {
			if s.Code == a.ServiceCode {
				data["PlaceService"] = s.Code + " — " + s.Name(lang)
			}
		}
	}
	return nil
}
