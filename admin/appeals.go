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

	"github.com/hromada/hromada/internal/department"
	"github.com/hromada/hromada/internal/errs"
	"github.com/hromada/hromada/internal/identity"
	"github.com/hromada/hromada/internal/registry"
	"github.com/hromada/hromada/internal/web"
)

// maxDueWithin bounds the "due within N days" filter.
const maxDueWithin = 366

// appealForm is the registry filter as typed, kept to show the form again.
type appealForm struct {
	From, To, Channel, Status, Type, Subject, Department, Executor, DueWithin, Q, Sort string
	Overdue, Priority                                                                  bool
}

// staffFilter reads the filter from the query string. A value that cannot be read is left out of the
// filter and reported beside its field.
func staffFilter(c *fiber.Ctx) (registry.Filter, appealForm, errs.Validation) {
	form := appealForm{
		From: strings.TrimSpace(c.Query("from")), To: strings.TrimSpace(c.Query("to")),
		Channel: c.Query("channel"), Status: c.Query("status"), Type: c.Query("type"), Subject: c.Query("subject"),
		Department: c.Query("department"), Executor: c.Query("executor"), DueWithin: strings.TrimSpace(c.Query("due_within")),
		Q: strings.TrimSpace(c.Query("q")), Sort: c.Query("sort"),
		Overdue: c.Query("overdue") != "", Priority: c.Query("priority") != "",
	}
	v := errs.Validation{}
	f := registry.Filter{Channel: form.Channel, Status: form.Status, Type: form.Type, Subject: form.Subject,
		Overdue: form.Overdue, Priority: form.Priority, Query: form.Q, Page: c.QueryInt("page", 1)}
	date := func(field, s string) time.Time {
		if s == "" {
			return time.Time{}
		}
		d, err := time.Parse("2006-01-02", s)
		if err != nil {
			v.Add(field, "admin.appeals.error.date")
		}
		return d
	}
	f.From, f.To = date("from", form.From), date("to", form.To)
	if form.Department != "" {
		id, err := strconv.ParseInt(form.Department, 10, 64)
		if err != nil || id <= 0 {
			v.Add("department", "admin.appeals.error.choose")
		}
		f.DepartmentID = max(id, 0)
	}
	if form.Executor != "" {
		id, err := strconv.ParseInt(form.Executor, 10, 64)
		if err != nil || id <= 0 {
			v.Add("executor", "admin.appeals.error.choose")
		}
		f.ExecutorID = max(id, 0)
	}
	if form.DueWithin != "" {
		n, err := strconv.Atoi(form.DueWithin)
		if err != nil || n < 1 || n > maxDueWithin {
			v.Add("due_within", "admin.appeals.error.days")
		} else {
			f.DueWithinDays = n
		}
	}
	if slices.Contains(registry.Sorts, form.Sort) {
		f.Sort = form.Sort
	} else {
		form.Sort = registry.SortReceivedDesc
	}
	return f, form, v
}

// appealList is the registry for staff: every appeal, filtered, in pages.
func (h *handlers) appealList(c *fiber.Ctx) error {
	f, form, problems := staffFilter(c)
	var err error
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
	pages := max(int((total+registry.PageSize-1)/registry.PageSize), 1)
	page := max(f.Page, 1)
	query := filterQuery(c)
	pageLink := func(n int) string {
		q := cloneValues(query)
		if n > 1 {
			q.Set("page", strconv.Itoa(n))
		}
		return "/admin/appeals?" + q.Encode()
	}
	data := fiber.Map{
		"Title": h.web.TextsOf(c).T("admin.appeals.title"), "Appeals": list, "Total": total,
		"Page": page, "Pages": pages, "Form": form, "Errors": map[string]string(problems),
		"Channels": h.Classifier.Channels, "Types": h.Classifier.Types, "Subjects": h.Classifier.Subjects,
		"Statuses": registry.Statuses, "Sorts": registry.Sorts, "Departments": deps,
		"DepartmentOf": depOf, "Executors": executors, "CSV": "/admin/appeals.csv?" + query.Encode(),
		"CanRegister": web.HasRole(c, identity.RoleRegistrar, identity.RoleAdmin),
	}
	if page > 1 {
		data["Prev"] = pageLink(page - 1)
	}
	if page < pages {
		data["Next"] = pageLink(page + 1)
	}
	return c.Render("admin/appeals", data)
}

// appealsCSV exports exactly what the same filter shows, every page of it, as UTF-8 CSV with a BOM so
// spreadsheet programs read Cyrillic. Cells typed by people are guarded against formula injection.
func (h *handlers) appealsCSV(c *fiber.Ctx) error {
	f, _, problems := staffFilter(c)
	if err := problems.Err(); err != nil {
		return err
	}
	var err error
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
		"appeal.subjects", "appeal.status", "appeal.due", "admin.appeals.department", "admin.appeals.priority"}
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
			web.CSVSafe(dep), priority,
		})
	})
	if err != nil {
		return err
	}
	w.Flush()
	return w.Error()
}

// filterQuery is the filter part of the request's query string, without the page.
func filterQuery(c *fiber.Ctx) url.Values {
	q := url.Values{}
	for _, k := range []string{"from", "to", "channel", "status", "type", "subject", "department", "executor", "overdue",
		"due_within", "priority", "q", "sort"} {
		if v := strings.TrimSpace(c.Query(k)); v != "" {
			q.Set(k, v)
		}
	}
	return q
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
