package admin

import (
	"encoding/csv"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/hromada/hromada/internal/classifier"
	"github.com/hromada/hromada/internal/department"
	"github.com/hromada/hromada/internal/errs"
	"github.com/hromada/hromada/internal/form"
	"github.com/hromada/hromada/internal/i18n"
	"github.com/hromada/hromada/internal/identity"
	"github.com/hromada/hromada/internal/registry"
	"github.com/hromada/hromada/internal/settlement"
	"github.com/hromada/hromada/internal/web"
)

// maxDueWithin bounds the "due within N days" filter.
const maxDueWithin = 366

// appealForm is the registry filter as typed, kept to show the form again.
type appealForm struct {
	From, To, Channel, Status, Type, Subject, Department, Executor, DueWithin, Q, Sort string
	Settlement                                                                         string // an id, or noSettlement
	Overdue, Priority                                                                  bool
	Breach                                                                             bool // forwarded or returned after the term
}

// noSettlement is the filter's choice of appeals whose settlement is not determined.
const noSettlement = "none"

// staffFilter reads the filter from the query string. A value that cannot be read is left out of the
// filter and reported beside its field. places are the settlements the filter offers (filterPlaces).
func (h *handlers) staffFilter(c *fiber.Ctx, places classifier.List) (registry.Filter, appealForm, errs.Validation) {
	return readStaffFilter(web.Query(c), h.Classifier, places)
}

// filterPlaces are the settlements the registry's filter offers: every one, inactive ones too (their
// appeals stay in the registry), and "not determined".
func (h *handlers) filterPlaces(c *fiber.Ctx) (classifier.List, error) {
	all, err := h.Settlements.List(c.UserContext(), false)
	if err != nil {
		return nil, err
	}
	l := h.web.TextsOf(c)
	return append(settlement.Choices(all), classifier.Item{Code: noSettlement,
		Text: i18n.Text{UK: l.T("settlement.none"), EN: l.T("settlement.none")}}), nil
}

// readStaffFilter is staffFilter over the query's values: every value is checked once here (form.Reader),
// codes against the classifier and settlements against places, so the registry's queries only ever see
// known codes and clean text.
func readStaffFilter(values url.Values, clf *classifier.Classifier, places classifier.List) (registry.Filter, appealForm, errs.Validation) {
	r := form.New(values)
	f := registry.Filter{
		Channel: r.Code("channel", clf.Channels.Has), Status: r.Code("status", form.In(registry.Statuses...)),
		Type: r.Code("type", clf.Types.Has), Subject: r.Code("subject", clf.Subjects.Has),
		Overdue: r.Flag("overdue"), Priority: r.Flag("priority"), Breach: r.Flag("breach"), Query: r.Line("q", form.MaxSearch),
		From: r.Date("from"), To: r.Date("to"), DepartmentID: r.ID("department"), ExecutorID: r.ID("executor"),
	}
	if n, ok := r.Int("due_within", 1, maxDueWithin); ok {
		f.DueWithinDays = int(n)
	}
	place := r.Code("settlement", places.Has)
	if id, err := strconv.ParseInt(place, 10, 64); err == nil {
		f.SettlementID = id
	}
	f.NoSettlement = place == noSettlement
	// A page or an order that cannot be read is the first page in the default order: they come from
	// links, not from anything typed.
	f.Page = form.PageOf(values)
	f.Sort = registry.SortReceivedDesc
	if s := values.Get("sort"); slices.Contains(registry.Sorts, s) {
		f.Sort = s
	}
	// The form shows what was typed where it could be read, so a refused date stays to be corrected.
	shown := func(field string) string {
		v, _ := form.Check(values.Get(field), false, 0)
		return v
	}
	view := appealForm{
		From: shown("from"), To: shown("to"), Channel: f.Channel, Status: f.Status, Type: f.Type, Subject: f.Subject,
		Department: shown("department"), Executor: shown("executor"), DueWithin: shown("due_within"), Q: f.Query,
		Sort: f.Sort, Overdue: f.Overdue, Priority: f.Priority, Breach: f.Breach, Settlement: place,
	}
	problems := r.Problems()
	// The registry's own messages for its filter's fields.
	for field, msg := range problems {
		switch {
		case msg == form.Date:
			problems[field] = "admin.appeals.error.date"
		case field == "due_within":
			problems[field] = "admin.appeals.error.days"
		case msg == form.Number || msg == form.Choose:
			problems[field] = "admin.appeals.error.choose"
		}
	}
	return f, view, problems
}

// appealList is the registry for staff: every appeal, filtered, in pages.
func (h *handlers) appealList(c *fiber.Ctx) error {
	places, err := h.filterPlaces(c)
	if err != nil {
		return err
	}
	f, view, problems := h.staffFilter(c, places)
	if f.Scoped, f.ScopeDepartment, err = h.executorScope(c); err != nil {
		return err
	}
	list, total, err := h.Registry.ListForStaff(c.UserContext(), f)
	if err != nil {
		return err
	}
	deps, err := h.Departments.List(c.UserContext(), false)
	if err != nil {
		return err
	}
	executors, err := h.People.ExecutorsByDepartment(c.UserContext())
	if err != nil {
		return err
	}
	names := departmentNames(deps, web.LangOf(c))
	depOf := make(map[int64]string, len(list)) // appeal id → department name
	for _, a := range list {
		if a.DepartmentID != nil {
			depOf[a.ID] = names[*a.DepartmentID]
		}
	}
	query := filterQuery(view)
	data := fiber.Map{
		"Title": h.web.TextsOf(c).T("admin.appeals.title"), "Appeals": list, "Total": total,
		"Pager": web.NewPager("/admin/appeals", query, f.Page, total, registry.PageSize), "Form": view, "Errors": map[string]string(problems),
		"Channels": h.Classifier.Channels, "Types": h.Classifier.Types, "Subjects": h.Classifier.Subjects,
		"Statuses": registry.Statuses, "Sorts": registry.Sorts, "Departments": deps,
		"DepartmentOf": depOf, "Executors": executors, "CSV": "/admin/appeals.csv?" + query.Encode(),
		"Places": places, "PlaceOf": placeNames(list, places, web.LangOf(c)),
		"CanRegister": web.HasRole(c, identity.RoleRegistrar, identity.RoleAdmin),
	}
	if len(problems) > 0 {
		// The list still shows what the readable conditions select; the status says the request was not
		// taken as sent.
		c.Status(fiber.StatusBadRequest)
	}
	return c.Render("admin/appeals", data)
}

// appealsCSV exports exactly what the same filter shows, every page of it, as UTF-8 CSV with a BOM so
// spreadsheet programs read Cyrillic. Cells typed by people are guarded against formula injection.
func (h *handlers) appealsCSV(c *fiber.Ctx) error {
	places, err := h.filterPlaces(c)
	if err != nil {
		return err
	}
	f, _, problems := h.staffFilter(c, places)
	if err := problems.Err(); err != nil {
		return err
	}
	if f.Scoped, f.ScopeDepartment, err = h.executorScope(c); err != nil {
		return err
	}
	deps, err := h.Departments.List(c.UserContext(), false)
	if err != nil {
		return err
	}
	lang := web.LangOf(c)
	l := h.web.TextsOf(c)
	names := departmentNames(deps, lang)
	clf := h.Classifier

	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="appeals-%s.csv"`, time.Now().Format("2006-01-02")))
	out := c.Response().BodyWriter()
	if _, err := out.Write([]byte(web.CSVBOM)); err != nil {
		return err
	}
	w := csv.NewWriter(out)
	header := []string{"appeal.index", "appeal.received", "appeal.channel", "appeal.field.type", "admin.appeals.author",
		"appeal.subjects", "appeal.status", "appeal.due", "admin.appeals.department", "admin.appeals.priority",
		"settlement.field.settlement"}
	for i, id := range header {
		header[i] = l.T(id)
	}
	if err := w.Write(header); err != nil {
		return err
	}
	err = h.Registry.EachForStaff(c.UserContext(), f, func(a *registry.Appeal) error {
		subjects := make([]string, 0, len(a.Questions))
		for _, q := range a.Questions {
			subjects = append(subjects, q.SubjectCode+" "+clf.Subjects.Name(q.SubjectCode, lang))
		}
		priority := ""
		if a.Priority {
			priority = l.T("admin.appeals.yes")
		}
		dep := ""
		if a.DepartmentID != nil {
			dep = names[*a.DepartmentID]
		}
		return w.Write([]string{
			web.CSVSafe(a.RegIndex), a.ReceivedAt.In(h.Timezone).Format("2006-01-02 15:04"),
			clf.Channels.Name(a.Channel, lang), clf.Types.Name(a.Type, lang), web.CSVSafe(a.AuthorName()),
			strings.Join(subjects, "; "), l.T("status." + a.Status), a.DueDate.UTC().Format("2006-01-02"),
			web.CSVSafe(dep), priority, web.CSVSafe(placeName(a, places, lang)),
		})
	})
	if err != nil {
		return err
	}
	w.Flush()
	return w.Error()
}

// filterQuery is the filter as read (clean values only), without the page: for the pager and the CSV link.
func filterQuery(v appealForm) url.Values {
	q := url.Values{}
	for k, val := range map[string]string{"from": v.From, "to": v.To, "channel": v.Channel, "status": v.Status,
		"type": v.Type, "subject": v.Subject, "department": v.Department, "executor": v.Executor,
		"due_within": v.DueWithin, "q": v.Q, "sort": v.Sort, "settlement": v.Settlement} {
		if val != "" {
			q.Set(k, val)
		}
	}
	if v.Overdue {
		q.Set("overdue", "1")
	}
	if v.Priority {
		q.Set("priority", "1")
	}
	if v.Breach {
		q.Set("breach", "1")
	}
	return q
}

// placeName names an appeal's settlement from the filter's list in the language ("" when not determined).
func placeName(a *registry.Appeal, places classifier.List, lang string) string {
	if a.SettlementID == nil {
		return ""
	}
	return places.Name(strconv.FormatInt(*a.SettlementID, 10), lang)
}

// placeNames names each listed appeal's settlement, by appeal id.
func placeNames(list []registry.Appeal, places classifier.List, lang string) map[int64]string {
	out := make(map[int64]string, len(list))
	for i := range list {
		out[list[i].ID] = placeName(&list[i], places, lang)
	}
	return out
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = slices.Clone(vs)
	}
	return out
}

func departmentNames(list []department.Department, lang string) map[int64]string {
	m := make(map[int64]string, len(list))
	for _, d := range list {
		m[d.ID] = d.Name(lang)
	}
	return m
}
