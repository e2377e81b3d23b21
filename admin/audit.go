package admin

import (
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/hromada/hromada/internal/audit"
	"github.com/hromada/hromada/internal/errs"
	"github.com/hromada/hromada/internal/form"
	"github.com/hromada/hromada/internal/i18n"
	"github.com/hromada/hromada/internal/identity"
	"github.com/hromada/hromada/internal/web"
)

// auditActionGroups are the action prefixes the log's filter offers; an exact action (from a link)
// is accepted as well.
var auditActionGroups = []string{"appeal.", "petition.", "department.", "settlement.", "staff.", "mail.", "import."}

// auditObjectTypes are the kinds of object the filter offers.
var auditObjectTypes = []string{"appeal", "petition", "department", "settlement", "person", "mail"}

// auditCode is what an action or object type may look like; anything else in the query string is
// refused beside its field instead of reaching the query.
var auditCode = regexp.MustCompile(`^[a-z_]+(\.[a-z_]+)*\.?$`)

// auditForm is the log filter as typed, kept to show the form again.
type auditForm struct {
	From, To, Actor, Action, ObjectType, ObjectID string
}

// auditOption is one choice of a select, in the shape the portal's select partial reads.
type auditOption struct{ Code, Label string }

// Name is the option's label (the same in every language: it is translated before).
func (o auditOption) Name(string) string { return o.Label }

// auditRow is one log line as the page shows it.
type auditRow struct {
	When, Actor, IP, Action, Label, ObjectType, ObjectLabel, Link, Detail string
	ActorID, ObjectID                                                     int64
}

// auditFilter reads the filter from the query string. Dates are days in the council's zone, both
// ends included. A value that cannot be read is left out and reported beside its field.
func auditFilter(c *fiber.Ctx, loc *time.Location) (audit.Filter, auditForm, errs.Validation) {
	values := web.Query(c)
	r := form.New(values)
	line := func(field string) string { return r.Line(field, 100) }
	view := auditForm{From: line("from"), To: line("to"), Actor: line("actor"), Action: line("action"),
		ObjectType: line("object_type"), ObjectID: line("object_id")}
	v := r.Problems() // characters that cannot be read, beside their field; then what the log cannot filter by
	f := audit.Filter{Page: form.PageOf(values)}
	day := func(field, s string) time.Time {
		if s == "" {
			return time.Time{}
		}
		d, err := time.ParseInLocation("2006-01-02", s, loc)
		if err != nil {
			v.Add(field, "audit.error.date")
		}
		return d
	}
	f.From = day("from", view.From)
	if to := day("to", view.To); !to.IsZero() {
		f.To = to.AddDate(0, 0, 1)
		if !f.From.IsZero() && !f.From.Before(f.To) {
			v.Add("to", "audit.error.range")
			f.To = time.Time{}
		}
	}
	id := func(field, s string) int64 {
		if s == "" {
			return 0
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 {
			v.Add(field, "audit.error.id")
			return 0
		}
		return n
	}
	f.ActorID, f.ObjectID = id("actor", view.Actor), id("object_id", view.ObjectID)
	code := func(field, s string) string {
		if s != "" && !auditCode.MatchString(s) {
			v.Add(field, "audit.error.code")
			return ""
		}
		return s
	}
	f.Action, f.ObjectType = code("action", view.Action), code("object_type", view.ObjectType)
	return f, view, v
}

// auditLog shows the audit log to admins: who did what, when and from where, newest first.
func (h *handlers) auditLog(c *fiber.Ctx) error {
	ctx := c.UserContext()
	loc := h.Timezone
	if loc == nil {
		loc = time.UTC
	}
	f, form, problems := auditFilter(c, loc)
	list, total, err := h.Audit.List(ctx, f)
	if err != nil {
		return err
	}
	var staff []identity.StaffContact
	if h.Staff != nil {
		if staff, err = h.Staff(ctx); err != nil {
			return err
		}
	}
	// One query names the page's actors and the staff the filter offers.
	ids := make([]int64, 0, len(list)+len(staff)+1)
	for _, e := range list {
		if e.ActorPersonID != nil {
			ids = append(ids, *e.ActorPersonID)
		}
	}
	for _, s := range staff {
		ids = append(ids, s.PersonID)
	}
	if f.ActorID != 0 {
		ids = append(ids, f.ActorID)
	}
	slices.Sort(ids)
	names, err := h.People.Names(ctx, slices.Compact(ids))
	if err != nil {
		return err
	}

	l := h.web.TextsOf(c)
	rows := make([]auditRow, 0, len(list))
	for _, e := range list {
		r := auditRow{When: e.OccurredAt.In(loc).Format("02.01.2006 15:04:05"), IP: e.IP, Action: e.Action,
			Label: auditActionLabel(l, e.Action), ObjectType: e.ObjectType, ObjectLabel: e.ObjectType, Detail: e.Detail}
		if id := "audit.object." + e.ObjectType; l.Has(id) {
			r.ObjectLabel = l.T(id)
		}
		if e.ActorPersonID != nil {
			r.ActorID = *e.ActorPersonID
			r.Actor = names[r.ActorID]
		}
		if e.ActorTokenID != nil {
			// A machine request: the API token it came with (its page lists them by number).
			r.ActorID = *e.ActorTokenID
			r.Actor = l.Tf("api.audit.token", "ID", *e.ActorTokenID)
		}
		if e.ObjectID != nil {
			r.ObjectID = *e.ObjectID
			switch e.ObjectType {
			case "appeal":
				r.Link = "/admin/appeals/" + strconv.FormatInt(r.ObjectID, 10)
			case "petition":
				r.Link = "/admin/petitions/" + strconv.FormatInt(r.ObjectID, 10)
			case "settlement":
				r.Link = "/admin/settlements/" + strconv.FormatInt(r.ObjectID, 10)
			}
		}
		rows = append(rows, r)
	}

	actors := make([]auditOption, 0, len(staff)+1)
	for _, s := range staff {
		actors = append(actors, auditOption{strconv.FormatInt(s.PersonID, 10), personLabel(names[s.PersonID], s.Email, s.PersonID)})
	}
	if f.ActorID != 0 && !slices.ContainsFunc(staff, func(s identity.StaffContact) bool { return s.PersonID == f.ActorID }) {
		// Someone without a staff role now (or a link to any person): still the chosen one.
		actors = append(actors, auditOption{form.Actor, personLabel(names[f.ActorID], "", f.ActorID)})
	}
	actions := make([]auditOption, 0, len(auditActionGroups)+1)
	for _, g := range auditActionGroups {
		actions = append(actions, auditOption{g, l.T("audit.group." + strings.TrimSuffix(g, "."))})
	}
	if f.Action != "" && !slices.Contains(auditActionGroups, f.Action) {
		actions = append(actions, auditOption{f.Action, auditActionLabel(l, f.Action)})
	}
	types := make([]auditOption, 0, len(auditObjectTypes)+1)
	for _, t := range auditObjectTypes {
		types = append(types, auditOption{t, l.T("audit.object." + t)})
	}
	if f.ObjectType != "" && !slices.Contains(auditObjectTypes, f.ObjectType) {
		types = append(types, auditOption{f.ObjectType, f.ObjectType})
	}

	query := url.Values{}
	for k, v := range map[string]string{"from": form.From, "to": form.To, "actor": form.Actor, "action": form.Action,
		"object_type": form.ObjectType, "object_id": form.ObjectID} {
		if v != "" {
			query.Set(k, v)
		}
	}
	data := fiber.Map{
		"Title": l.T("audit.title"), "Rows": rows, "Total": total,
		"Pager": web.NewPager("/admin/audit", query, f.Page, total, audit.PageSize),
		"Form":  form, "Errors": map[string]string(problems), "Actors": actors, "Actions": actions, "Types": types,
		"Zone": loc.String(),
	}
	return c.Render("admin/audit", data)
}

// auditActionLabel is the action's name in the reader's language, or its code when it has none.
func auditActionLabel(l *i18n.L, action string) string {
	if id := "audit.action." + action; l.Has(id) {
		return l.T(id)
	}
	return action
}

// personLabel names a person in a select: the name, and the e-mail that tells namesakes apart.
func personLabel(name, email string, id int64) string {
	switch {
	case name == "" && email == "":
		return "#" + strconv.FormatInt(id, 10)
	case name == "":
		return email
	case email == "":
		return name
	}
	return name + " (" + email + ")"
}
