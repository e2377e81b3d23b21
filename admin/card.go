package admin

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/hromada/hromada/internal/department"
	"github.com/hromada/hromada/internal/errs"
	"github.com/hromada/hromada/internal/identity"
	"github.com/hromada/hromada/internal/registry"
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
	id, err := c.ParamsInt("id")
	if err != nil || id <= 0 {
		return 0, errs.New(errs.NotFound, "error.not_found")
	}
	scoped, dept, err := h.executorScope(c)
	if err != nil {
		return 0, err
	}
	if scoped {
		ok, err := h.Registry.InScope(c.UserContext(), int64(id), dept)
		if err != nil {
			return 0, err
		}
		if !ok {
			return 0, errs.New(errs.NotFound, "error.not_found")
		}
	}
	return int64(id), nil
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

// renderCard shows the card; action and fields name a refused step and its problems.
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
	// Everyone named on the card, in one query: the timeline's actors, the resolution's author, the
	// executor, the replies' authors and reviewers.
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
	people, err := h.People.Names(ctx, ids)
	if err != nil {
		return err
	}
	actors := map[int64]string{}
	for _, e := range a.Events {
		if e.ActorPersonID != nil {
			actors[e.ID] = people[*e.ActorPersonID]
		}
	}
	// Each reply's results, question by question in the appeal's order.
	replyLines := map[int64][]string{}
	for _, r := range replies {
		byQuestion := map[int64]string{}
		for _, res := range r.Results {
			byQuestion[res.QuestionID] = res.Result
		}
		for _, q := range a.Questions {
			if res, ok := byQuestion[q.ID]; ok {
				replyLines[r.ID] = append(replyLines[r.ID], fmt.Sprintf("%d. %s — %s", q.Position,
					h.Classifier.Subjects.Name(q.SubjectCode, lang), h.Classifier.Results.Name(res, lang)))
			}
		}
	}
	var co []string
	for _, ce := range a.CoExecutors {
		co = append(co, names[ce.DepartmentID])
	}
	me := personID(c)
	head := web.HasRole(c, identity.RoleHead)
	executor := web.HasRole(c, identity.RoleExecutor)
	var myDept int64
	if executor { // only an executor of the lead department drafts the reply
		if myDept, err = h.People.DepartmentOf(ctx, me); err != nil {
			return err
		}
	}
	open := slices.Contains([]string{registry.StatusRegistered, registry.StatusInProgress}, a.Status)
	underControl := open || a.Status == registry.StatusAwaitingApproval
	data := fiber.Map{
		"Title":          a.RegIndex,
		"Appeal":         a,
		"JustRegistered": c.Query("registered") == "1",
		"Department":     names[derefID(a.DepartmentID)],
		"CoExecutors":    strings.Join(co, "; "),
		"People":         people,
		"ResolutionBy":   people[derefID(a.ResolutionBy)],
		"Executor":       people[derefID(a.ExecutorID)],
		"ClosedBy":       people[derefID(a.ClosedBy)],
		"Actors":         actors,
		"Replies":        replies,
		"ReplyLines":     replyLines,
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
		"CanRoute":       head && open,
		"CanExtend":      head && underControl,
		"CanApprove":     head && a.Status == registry.StatusAwaitingApproval,
		"CanReply": executor && a.Status == registry.StatusInProgress &&
			a.DepartmentID != nil && *a.DepartmentID == myDept,
		"CanPrint": a.Status == registry.StatusAnswered,
		"Action":   action,
		"Errors":   fields,
		"Form":     h.postedForm(c, action),
	}
	if a.PersonID == nil && a.Nature != registry.NatureAnonymous { // why the author's account lacks it
		if data["NotLinked"], err = h.People.UnlinkedReason(ctx, a.AuthorEmail, a.AuthorLastName, a.AuthorFirstName); err != nil {
			return err
		}
	}
	if head && open {
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

// postedForm keeps what a refused step's form had; for a fresh card the assignment form starts from
// the appeal's current routing.
func (h *handlers) postedForm(c *fiber.Ctx, action string) cardForm {
	f := cardForm{}
	if action == "" {
		return f
	}
	c.Request().PostArgs().VisitAll(func(k, v []byte) {
		key := string(k)
		if key == "co_executors" {
			f["co_"+string(v)] = "on"
			return
		}
		f[key] = string(v)
	})
	if mf, err := c.MultipartForm(); err == nil {
		for k, vs := range mf.Value {
			if len(vs) > 0 {
				f[k] = vs[0]
			}
		}
	}
	return f
}

// routeAppeal takes one of the head's steps: resolution, forwarding, return, leaving without
// consideration, extension, approval of a reply or sending it back.
func (h *handlers) routeAppeal(c *fiber.Ctx) error {
	id, err := h.visibleAppealID(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	action := c.Params("action")
	switch action {
	case "assign":
		in := registry.AssignInput{Resolution: c.FormValue("resolution"), Simple: c.FormValue("simple") == "on"}
		in.DepartmentID, _ = strconv.ParseInt(c.FormValue("department"), 10, 64)
		in.ExecutorID, _ = strconv.ParseInt(c.FormValue("executor"), 10, 64)
		c.Request().PostArgs().VisitAll(func(k, v []byte) {
			if string(k) == "co_executors" {
				if id, err := strconv.ParseInt(string(v), 10, 64); err == nil {
					in.CoExecutors = append(in.CoExecutors, id)
				}
			}
		})
		err = h.Registry.Assign(ctx, id, in)
	case "forward":
		err = h.Registry.Forward(ctx, id, c.FormValue("body"), c.FormValue("letter"))
	case "return":
		err = h.Registry.Return(ctx, id, c.FormValue("explanation"))
	case "leave":
		err = h.Registry.LeaveWithoutConsideration(ctx, id, c.FormValue("reason"), c.FormValue("note"))
	case "extend":
		due, perr := time.Parse("2006-01-02", strings.TrimSpace(c.FormValue("due")))
		if perr != nil {
			err = errs.Validation{"due": "routing.error.due"}.Err()
		} else {
			err = h.Registry.Extend(ctx, id, due, c.FormValue("reason"))
		}
	case "approve":
		err = h.Registry.ApproveReply(ctx, id)
	case "send_back":
		err = h.Registry.SendBack(ctx, id, c.FormValue("note"))
	default:
		return errs.New(errs.NotFound, "error.not_found")
	}
	return h.afterStep(c, id, action, err)
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
	in := registry.ReplyInput{DepartmentID: dept, Text: values.Get("text"), OutNumber: values.Get("out_number"),
		Results: map[int64]string{}, Attachments: files}
	for k := range values { // result_<question id>: the domain checks every question has one
		if qid, ok := strings.CutPrefix(k, "result_"); ok {
			if n, err := strconv.ParseInt(qid, 10, 64); err == nil {
				in.Results[n] = values.Get(k)
			}
		}
	}
	return h.afterStep(c, id, "reply", h.Registry.SubmitReply(c.UserContext(), id, in))
}

// afterStep answers a step: back to the card with a message, or the card again with the refused
// form and its problems.
func (h *handlers) afterStep(c *fiber.Ctx, id int64, action string, err error) error {
	var e *errs.Error
	if errors.As(err, &e) && (e.Code == errs.Invalid || e.Code == errs.Conflict) {
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
	if err := h.web.SetFlash(c, "routing.done."+action); err != nil {
		return err
	}
	return c.Redirect("/admin/appeals/"+strconv.FormatInt(id, 10), fiber.StatusSeeOther)
}

// replyPrint is the approved reply as a page to print and post, for appeals that came on paper or
// by telephone.
func (h *handlers) replyPrint(c *fiber.Ctx) error {
	a, err := h.cardAppeal(c)
	if err != nil {
		return err
	}
	if a.Status != registry.StatusAnswered {
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
		"L": h.web.Texts("uk"), "Lang": "uk", "Council": h.CouncilUK,
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
	fileID, err := c.ParamsInt("file")
	if err != nil {
		return errs.New(errs.NotFound, "error.not_found")
	}
	id, err := h.visibleAppealID(c)
	if err != nil {
		return err
	}
	att, f, err := h.Registry.AttachmentForStaff(c.UserContext(), id, int64(fileID))
	if err != nil {
		return err
	}
	return web.SendDownload(c, att.FileName, att.ContentType, att.SizeBytes, f)
}
