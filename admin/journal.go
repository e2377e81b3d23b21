package admin

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/hromada/hromada/internal/classifier"
	"github.com/hromada/hromada/internal/errs"
	"github.com/hromada/hromada/internal/form"
	"github.com/hromada/hromada/internal/i18n"
	"github.com/hromada/hromada/internal/identity"
	"github.com/hromada/hromada/internal/registry"
	"github.com/hromada/hromada/internal/web"
)

// journalPath is the registry journal's address.
const journalPath = "/admin/appeals"

// maxViewName bounds a saved view's name, in characters.
const maxViewName = 80

// journalViews are the predefined views above the journal: the day's questions of control of terms.
// A view is a filter in its normal form (filterQuery), so a filter set by hand to the same conditions
// shows its view as the current one.
var journalViews = []struct {
	label string
	query url.Values
}{
	{"journal.views.all", url.Values{}},
	{"journal.views.overdue", url.Values{"overdue": {"1"}, "sort": {registry.SortDueAsc}}},
	{"journal.views.due_soon", url.Values{"due_within": {strconv.Itoa(registry.DashboardDueDays)}, "sort": {registry.SortDueAsc}}},
	{"journal.views.no_resolution", url.Values{"status": {registry.StatusRegistered}}},
	{"journal.views.approval", url.Values{"status": {registry.StatusAwaitingApproval}}},
}

// viewLink is a view above the journal: predefined or saved by the person (ID > 0).
type viewLink struct {
	ID          int64
	Label, Href string
	Current     bool
}

// chip is an active filter shown above the journal as a link that drops it.
type chip struct{ Label, Value, Href string }

// sortHeader is a sortable column's header: the link that sorts by it (or turns its order round) and
// its aria-sort when the journal is sorted by it.
type sortHeader struct{ Href, AriaSort string }

// journalRow is an appeal as the journal shows it.
type journalRow struct {
	*registry.Appeal
	Deadline   registry.Deadline
	Place      string
	Department string
	Subjects   string
}

// saveForm is the form that saves the current filter under a name, as typed, with its problems.
type saveForm struct {
	Name   string
	Errors map[string]string
}

// appealList is the registry journal for staff: a quick search, views, the other filters folded, the
// appeals in pages read by keyset.
func (h *handlers) appealList(c *fiber.Ctx) error {
	return h.renderJournal(c, web.Query(c), saveForm{})
}

// renderJournal shows the journal for a query string; a refused save form comes back on it.
func (h *handlers) renderJournal(c *fiber.Ctx, values url.Values, save saveForm) error {
	places, err := h.filterPlaces(c)
	if err != nil {
		return err
	}
	f, view, problems := readStaffFilter(values, h.Classifier, places)
	if f.Scoped, f.ScopeDepartment, err = h.executorScope(c); err != nil {
		return err
	}
	ctx := c.UserContext()
	page, err := h.Registry.JournalPage(ctx, f)
	if err != nil {
		return err
	}
	deps, err := h.Departments.List(ctx, false)
	if err != nil {
		return err
	}
	executors, err := h.People.ExecutorsByDepartment(ctx)
	if err != nil {
		return err
	}
	saved, err := h.Registry.SavedViews(ctx, personID(c))
	if err != nil {
		return err
	}
	lang := web.LangOf(c)
	l := h.web.TextsOf(c)
	names := departmentNames(deps, lang)
	query := filterQuery(f, view.Settlement)
	rows := make([]journalRow, len(page.Appeals))
	for i := range page.Appeals {
		a := &page.Appeals[i]
		subjects := make([]string, 0, len(a.Questions))
		for _, q := range a.Questions {
			subjects = append(subjects, h.Classifier.Subjects.Name(q.SubjectCode, lang))
		}
		rows[i] = journalRow{Appeal: a, Deadline: h.Registry.DeadlineOf(a), Place: placeName(a, places, lang),
			Subjects: strings.Join(subjects, "; ")}
		if a.DepartmentID != nil {
			rows[i].Department = names[*a.DepartmentID]
		}
	}
	execNames := make(map[int64]string, len(executors))
	for _, e := range executors {
		execNames[e.PersonID] = e.Name()
	}
	labels := chipLabels{l: l, lang: lang, clf: h.Classifier, places: places, departments: names, executors: execNames}
	openFilters := false
	for field := range problems {
		openFilters = openFilters || field != "q"
	}
	data := fiber.Map{
		"Title": l.T("admin.appeals.title"), "Rows": rows, "Page": page, "CountCap": registry.CountCap,
		"Form": view, "Errors": map[string]string(problems), "OpenFilters": openFilters,
		"Channels": h.Classifier.Channels, "Types": h.Classifier.Types, "Subjects": h.Classifier.Subjects,
		"Statuses": registry.Statuses, "Departments": deps, "Executors": executors, "Places": places,
		"CSV": "/admin/appeals.csv?" + query.Encode(), "Query": query.Encode(),
		"Chips": labels.chips(query), "Views": journalViewLinks(query), "Saved": savedViewLinks(saved, query),
		"SortReceived": sortLink(query, f.Sort, registry.SortReceivedDesc, registry.SortReceivedAsc),
		"SortDue":      sortLink(query, f.Sort, registry.SortDueAsc, registry.SortDueDesc),
		"FirstHref":    journalHref(query, ""), "PrevHref": journalHref(query, page.Prev), "NextHref": journalHref(query, page.Next),
		"Save": save, "CanRegister": web.HasRole(c, identity.RoleRegistrar, identity.RoleAdmin),
	}
	switch {
	case len(save.Errors) > 0:
		c.Status(fiber.StatusUnprocessableEntity)
	case len(problems) > 0:
		// The list still shows what the readable conditions select; the status says the request was not
		// taken as sent.
		c.Status(fiber.StatusBadRequest)
	}
	return c.Render("admin/appeals", data)
}

// journalHref is the journal's address for a filter and a cursor ("" with no cursor: the first page).
func journalHref(query url.Values, cursor string) string {
	q := cloneValues(query)
	if cursor != "" {
		q.Set("cursor", cursor)
	}
	if len(q) == 0 {
		return journalPath
	}
	return journalPath + "?" + q.Encode()
}

// sortLink is a column's header for an order and its reverse: sorted by the column, the link turns the
// order round; otherwise it sorts by the column's first order.
func sortLink(query url.Values, current, first, reverse string) sortHeader {
	q := cloneValues(query)
	h := sortHeader{}
	next := first
	switch current {
	case first:
		next = reverse
		h.AriaSort = ariaSort(first)
	case reverse:
		h.AriaSort = ariaSort(reverse)
	}
	if next == registry.SortReceivedDesc {
		q.Del("sort")
	} else {
		q.Set("sort", next)
	}
	h.Href = journalHref(q, "")
	return h
}

func ariaSort(order string) string {
	if strings.HasSuffix(order, "_desc") {
		return "descending"
	}
	return "ascending"
}

// journalViewLinks are the predefined views, the one the filter equals marked current.
func journalViewLinks(query url.Values) []viewLink {
	now := query.Encode()
	out := make([]viewLink, len(journalViews))
	for i, v := range journalViews {
		out[i] = viewLink{Label: v.label, Href: journalHref(v.query, ""), Current: v.query.Encode() == now}
	}
	return out
}

// savedViewLinks are the person's saved views, the one the filter equals marked current.
func savedViewLinks(saved []registry.SavedView, query url.Values) []viewLink {
	now := query.Encode()
	out := make([]viewLink, len(saved))
	for i, v := range saved {
		href := journalPath
		if v.Query != "" {
			href += "?" + v.Query
		}
		out[i] = viewLink{ID: v.ID, Label: v.Name, Href: href, Current: v.Query == now}
	}
	return out
}

// chipLabels names a filter's values for its chips, in the visitor's language.
type chipLabels struct {
	l           *i18n.L
	lang        string
	clf         *classifier.Classifier
	places      classifier.List
	departments map[int64]string
	executors   map[int64]string
}

// chipFields are the filter's fields in the order of the form, with their labels.
var chipFields = []struct{ field, label string }{
	{"q", "admin.appeals.search"}, {"from", "admin.appeals.from"}, {"to", "admin.appeals.to"},
	{"channel", "appeal.channel"}, {"type", "appeal.field.type"}, {"subject", "admin.appeals.subject"},
	{"status", "appeal.status"}, {"department", "admin.appeals.department"}, {"executor", "routing.executor"},
	{"settlement", "settlement.field.settlement"}, {"due_within", "admin.appeals.due_within"},
	{"overdue", "admin.appeals.overdue"}, {"breach", "admin.appeals.breach"}, {"priority", "admin.appeals.priority_only"},
}

// chips are the active filters (the order is not a filter), each a link to the journal without it.
func (cl chipLabels) chips(query url.Values) []chip {
	var out []chip
	for _, cf := range chipFields {
		v := query.Get(cf.field)
		if v == "" {
			continue
		}
		q := cloneValues(query)
		q.Del(cf.field)
		out = append(out, chip{Label: cl.l.T(cf.label), Value: cl.value(cf.field, v), Href: journalHref(q, "")})
	}
	return out
}

// value names a filter's value: a code by its name, an id by whom or what it names, a date as typed, a
// flag by its label alone.
func (cl chipLabels) value(field, v string) string {
	id, _ := strconv.ParseInt(v, 10, 64)
	switch field {
	case "channel":
		return cl.clf.Channels.Name(v, cl.lang)
	case "type":
		return cl.clf.Types.Name(v, cl.lang)
	case "subject":
		return v + " " + cl.clf.Subjects.Name(v, cl.lang)
	case "status":
		return cl.l.T("status." + v)
	case "department":
		return cl.departments[id]
	case "executor":
		return cl.executors[id]
	case "settlement":
		return cl.places.Name(v, cl.lang)
	case "overdue", "breach", "priority":
		return ""
	}
	return v
}

// saveView keeps the posted filter under the name the person gave it, in the filter reader's normal form,
// then opens it. A refused name or a filter with a problem comes back on the journal beside the field.
func (h *handlers) saveView(c *fiber.Ctx) error {
	r, err := web.ReadForm(c)
	if err != nil {
		return err
	}
	name := strings.Join(strings.Fields(r.Line("name", maxViewName)), " ")
	raw := r.Line("query", form.MaxLine)
	problems := r.Problems()
	if _, bad := problems["query"]; bad {
		return errs.New(errs.Invalid, "journal.views.error.filter")
	}
	values, err := url.ParseQuery(raw)
	if err != nil {
		return errs.New(errs.Invalid, "journal.views.error.filter")
	}
	places, err := h.filterPlaces(c)
	if err != nil {
		return err
	}
	f, view, filterProblems := readStaffFilter(values, h.Classifier, places)
	if name == "" && problems["name"] == "" {
		problems.Add("name", "journal.views.error.name")
	}
	if len(filterProblems) > 0 {
		problems.Add("name", "journal.views.error.filter")
	}
	query := filterQuery(f, view.Settlement).Encode()
	if len(problems) == 0 {
		_, err = h.Registry.SaveView(c.UserContext(), personID(c), name, query)
		if invalid := errs.As(err, errs.Invalid); invalid != nil {
			problems = invalid.Fields
		} else if err != nil {
			return err
		}
	}
	if len(problems) > 0 {
		return h.renderJournal(c, values, saveForm{Name: name, Errors: problems})
	}
	return h.web.Done(c, "journal.views.saved", journalHref(filterQuery(f, view.Settlement), ""))
}

// deleteView removes one of the person's saved views; someone else's is not found.
func (h *handlers) deleteView(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	if err := h.Registry.DeleteView(c.UserContext(), personID(c), id); err != nil {
		return err
	}
	return h.web.Done(c, "journal.views.deleted", journalPath)
}
