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
	// A cursor or an order that cannot be read is the first page in the default order: they come from
	// links, not from anything typed (the registry follows only a cursor it made for the same order).
	if cur, problem := form.Check(values.Get("cursor"), false, 200); problem == "" {
		f.Cursor = cur
	}
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

// filterQuery is the filter as the reader took it, in its normal form: only values it accepted, dates in
// the form's layout, the order only when it is not the default, no cursor. Links (the pager, the chips,
// the views, the export) carry it, and saved views keep it, so they never repeat a refused value.
func filterQuery(f registry.Filter, place string) url.Values {
	q := url.Values{}
	set := func(k, v string) {
		if v != "" {
			q.Set(k, v)
		}
	}
	id := func(n int64) string {
		if n > 0 {
			return strconv.FormatInt(n, 10)
		}
		return ""
	}
	day := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.Format(form.DateLayout)
	}
	set("from", day(f.From))
	set("to", day(f.To))
	set("channel", f.Channel)
	set("status", f.Status)
	set("type", f.Type)
	set("subject", f.Subject)
	set("department", id(f.DepartmentID))
	set("executor", id(f.ExecutorID))
	set("settlement", place)
	set("q", f.Query)
	if f.DueWithinDays > 0 {
		q.Set("due_within", strconv.Itoa(f.DueWithinDays))
	}
	for k, on := range map[string]bool{"overdue": f.Overdue, "priority": f.Priority, "breach": f.Breach} {
		if on {
			q.Set(k, "1")
		}
	}
	if f.Sort != registry.SortReceivedDesc {
		q.Set("sort", f.Sort)
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

// cloneValues copies a query, so a link made from it does not change it.
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
